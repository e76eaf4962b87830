using Custos.Core.Audit;
using Custos.Core.Ports;
using Custos.Core.Residency;
using static Custos.Storage.Tests.Contracts.TestKeys;

namespace Custos.Storage.Tests.Contracts;

/// <summary>
/// What every <see cref="IProviderRepository"/> must do: entries round-trip, a put creates or replaces, a delete of a
/// missing entry changes nothing, and each change is written with its audit event (and only then).
/// </summary>
public abstract class ProviderRepositoryContract
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new repository over an empty store, private to the calling test.</summary>
    protected abstract IProviderRepository CreateRepository();

    /// <summary>The operations of the audit events the store holds, in order.</summary>
    protected abstract Task<IReadOnlyList<string>> AuditedOperationsAsync();

    private static Provider Acme(int fips = 3) => new()
    {
        Id = "acme-hsm",
        LegalName = "Acme HSM SAS",
        HeadquartersCountry = "FR",
        Dpa = new DataProcessingAgreement { Date = new DateOnly(2025, 3, 1), Reference = "DPA-17" },
        Subprocessors = [new Subprocessor { Name = "Colo SA", Country = "FR" }],
        Certifications = new Certifications { Fips140Level = fips, CommonCriteria = "EAL4+" },
        EuOnlyStaffing = true,
    };

    private static AuditEvent Event(string operation) =>
        AuditEvent.For(T0, "n1", "token:tok_1", null, operation, AuditOutcome.Allowed, null) with { Provider = "acme-hsm" };

    [Fact]
    public async Task A_put_creates_then_replaces_and_every_member_round_trips()
    {
        var repository = CreateRepository();

        Assert.True(await repository.PutAsync(Acme(2), "token:tok_1", T0, Event("register.put"), Ct));
        Assert.False(await repository.PutAsync(Acme(3), "token:tok_2", T0.AddDays(1), Event("register.put"), Ct));

        var stored = await repository.GetAsync("acme-hsm", Ct);
        Assert.Equal(Acme(3).ToCanonicalJson(), stored!.Provider.ToCanonicalJson());
        Assert.Equal(("token:tok_2", T0.AddDays(1)), (stored.UpdatedBy, stored.UpdatedAt));
        Assert.Equal(["register.put", "register.put"], await AuditedOperationsAsync());
    }

    [Fact]
    public async Task Listing_is_by_id_and_an_unknown_id_is_null()
    {
        var repository = CreateRepository();
        await repository.PutAsync(Acme() with { Id = "zeta" }, "token:tok_1", T0, null, Ct);
        await repository.PutAsync(Acme() with { Id = "alpha" }, "token:tok_1", T0, null, Ct);

        Assert.Equal(["alpha", "zeta"], (await repository.ListAsync(Ct)).Select(e => e.Provider.Id));
        Assert.Null(await repository.GetAsync("acme-hsm", Ct));
    }

    [Fact]
    public async Task A_delete_removes_the_entry_with_its_event_and_a_second_one_writes_nothing()
    {
        var repository = CreateRepository();
        await repository.PutAsync(Acme(), "token:tok_1", T0, null, Ct);

        Assert.True(await repository.DeleteAsync("acme-hsm", Event("register.delete"), Ct));
        Assert.False(await repository.DeleteAsync("acme-hsm", Event("register.delete"), Ct));

        Assert.Null(await repository.GetAsync("acme-hsm", Ct));
        Assert.Equal(["register.delete"], await AuditedOperationsAsync());
    }
}
