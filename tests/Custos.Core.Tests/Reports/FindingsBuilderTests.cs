using Custos.Core.Audit;
using Custos.Core.Keys;
using Custos.Core.Reports;

namespace Custos.Core.Tests.Reports;

/// <summary>
/// What a report derives from a key's events: periods ending at destruction, versions the log does not show being made,
/// serving countries outside what the key allows, legal exposure within blocs, other events, and input it refuses.
/// </summary>
public sealed class FindingsBuilderTests
{
    private const string Key = "0199aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee";
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static AuditEvent E(string operation, DateTimeOffset time, string? country = "DE", AuditOutcome outcome = AuditOutcome.Allowed) =>
        new() { Time = time, Node = "n1", NodeCountry = country, Principal = "token:tok_a", Operation = operation, KeyId = Key, Outcome = outcome };

    private static ReportStatement Statement(IReadOnlyList<string>? countries, IReadOnlyList<string>? exposure, params int[] versions) => new()
    {
        GeneratedAt = T0, Node = "n1",
        Key = new StatedKey
        {
            Id = Key, Purpose = "encrypt-decrypt", Custody = "software", Spec = "aes-256-gcm", State = "destroyed", Classification = "internal", Owner = "",
            Description = "", DataCategories = [], AllowedJurisdictions = [], CreatedAt = T0, PrimaryVersion = versions.Max(),
            Versions = [.. versions.Select(n => new StatedVersion { Number = n, State = "destroyed", Keystore = "software", CreatedAt = T0 })],
        },
        Requirements = new StatedRequirements { PolicyVersion = 0, AllowedJurisdictions = countries, AllowedLegalExposure = exposure, Sources = [] },
        Providers = [], Shares = "none", Events = new StatedEvents { TreeSize = 100, Count = 0, Sha256 = "" },
    };

    [Fact]
    public void A_destroyed_key_s_versions_lived_until_the_destruction_and_a_version_the_log_never_saw_made_is_marked()
    {
        var b = new FindingsBuilder(Key);
        b.Add(4, E("key.rotate", T0.AddDays(10)) with { KeyVersion = 2, Location = new AuditLocation("software", "DE", "self", ["DE"]) });
        b.Add(6, E("key.schedule-destruction", T0.AddDays(20)));
        b.Add(7, E("approval.request", T0.AddDays(20)));
        b.Add(9, E("key.destroy", T0.AddDays(50)) with { Principal = "system" });

        var f = b.Complete(Statement(null, null, 1, 2), 11, T0.AddDays(60));

        Assert.Equal(9, f.Destroyed!.Index);
        var (v1, v2) = (f.Versions[0], f.Versions[1]);
        Assert.Null(v1.Created);
        Assert.Null(v1.From);
        Assert.Equal(T0.AddDays(10), v1.PrimaryUntil);
        Assert.Equal((T0.AddDays(10), T0.AddDays(50), false, 40L * 86400), (v2.From!.Value, v2.Until, v2.StillHeld, v2.Seconds!.Value));
        Assert.Contains(f.Provenance, p => p is { Fact: "version 1: when and where its material was made, its operator and who could compel it", Proven: false, How: "no event of the log records the making of this version" });
        Assert.Equal([("approval.request", 1L)], f.OtherEvents.Select(o => (o.Operation, o.Count)));
        Assert.Equal(3, f.Access.Total);
        Assert.Equal(["self"], b.Operators);
    }

    [Fact]
    public void Serving_countries_and_legal_exposure_outside_what_the_key_allows_are_marked()
    {
        var b = new FindingsBuilder(Key);
        b.Add(1, E("key.create", T0) with { KeyVersion = 1, Location = new AuditLocation("hsm:x", "FR", "cloud", ["FR", "US", "EU"]) });
        b.Add(2, E("data.decrypt", T0.AddHours(1), country: "CH", outcome: AuditOutcome.Denied) with { ErrorCode = "residency-violation" });
        b.Add(3, E("data.decrypt", T0.AddHours(2), country: null));

        string[] eu = [.. Jurisdictions.EuCountries.Order(StringComparer.Ordinal)];
        var restricted = b.Complete(Statement(eu, null, 1), 5, T0.AddDays(1));
        var onlyFrance = b.Complete(Statement(eu, ["FR"], 1), 5, T0.AddDays(1));
        var free = b.Complete(Statement(null, null, 1), 5, T0.AddDays(1));

        Assert.Equal(["US"], restricted.Versions[0].OutsideAllowed); // a bloc counts when all its members are allowed
        Assert.Equal(["US", "EU"], onlyFrance.Versions[0].OutsideAllowed);
        Assert.Empty(free.Versions[0].OutsideAllowed);
        var byCountry = restricted.Access.ByNodeCountry.ToDictionary(g => g.Value ?? "(none)", g => g.OutsideAllowed);
        Assert.Equal(new Dictionary<string, bool?> { ["DE"] = false, ["CH"] = true, ["(none)"] = true }, byCountry);
        Assert.All(free.Access.ByNodeCountry, g => Assert.Null(g.OutsideAllowed));
        Assert.All(free.Access.ByPrincipal, g => Assert.Null(g.Nodes));
        var refusal = Assert.Single(restricted.Refusals);
        Assert.Equal((2L, "CH", "residency-violation"), (refusal.Index, refusal.NodeCountry, refusal.ErrorCode));
    }

    [Fact]
    public void Events_of_another_key_or_out_of_order_are_refused()
    {
        var b = new FindingsBuilder(Key);
        b.Add(5, E("key.get", T0));

        Assert.Throws<ArgumentException>(() => b.Add(5, E("key.get", T0)));
        Assert.Throws<ArgumentException>(() => b.Add(6, E("key.get", T0) with { KeyId = "other" }));
        Assert.Equal(1, b.Count);
    }
}
