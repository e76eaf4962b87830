using System.Security.Cryptography;
using Custos.Core.Access.Policy;
using Custos.Storage.Sqlite;
using static Custos.Storage.Tests.Contracts.TestKeys;

namespace Custos.Storage.Tests.Sqlite;

/// <summary>Policy versions in SQLite: numbering, one active version, decisions only on pending versions, events in the same transaction.</summary>
public sealed class SqlitePolicyRepositoryTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly SqliteStore _store = new();

    public void Dispose() => _store.Dispose();

    private static PolicyDocument Document(string id) => new()
    {
        Rules = [new PolicyRule { Id = id, Roles = ["key-user"], Operations = ["data"], Keys = new KeySelector { Classifications = ["restricted"] } }],
        Residency = [new ResidencyRule { Id = "eu", AllowedJurisdictions = ["EU"], Provider = new ProviderRequirements { Dpa = true, Fips140Level = 3 } }],
    };

    [Fact]
    public async Task Versions_are_numbered_and_round_trip_with_their_hash()
    {
        var repository = new SqlitePolicyRepository(_store.Database);
        Assert.Null(await repository.GetActiveAsync(Ct));

        var first = await repository.ProposeAsync(Document("a"), "token:tok_alice", "first", T0, null, Ct);
        var second = await repository.ProposeAsync(Document("b"), "token:tok_alice", "", T0.AddMinutes(1), null, Ct);

        Assert.Equal((1, 2), (first.Version, second.Version));
        var read = await repository.GetAsync(1, Ct);
        Assert.NotNull(read);
        Assert.Equal(PolicyStatus.Pending, read.Status);
        Assert.Equal(Document("a").ToCanonicalJson(), read.Document.ToCanonicalJson());
        Assert.Equal(SHA256.HashData(Document("a").ToCanonicalJson()), read.Sha256);
        Assert.Equal(("token:tok_alice", "first"), (read.Author, read.Comment));
        Assert.Equal([2, 1], (await repository.ListAsync(Ct)).Select(v => v.Version));
    }

    [Fact]
    public async Task Approving_makes_one_version_active_and_supersedes_the_one_before()
    {
        var repository = new SqlitePolicyRepository(_store.Database);
        await repository.ProposeAsync(Document("a"), "token:tok_alice", "", T0, null, Ct);
        await repository.ProposeAsync(Document("b"), "token:tok_alice", "", T0, null, Ct);

        Assert.True(await repository.DecideAsync(1, approve: true, "token:tok_bob", T0.AddHours(1), null, Ct));
        Assert.True(await repository.DecideAsync(2, approve: true, "token:tok_bob", T0.AddHours(2), null, Ct));

        var active = await repository.GetActiveAsync(Ct);
        Assert.Equal(2, active!.Version);
        Assert.Equal("token:tok_bob", active.DecidedBy);
        Assert.Equal(PolicyStatus.Superseded, (await repository.GetAsync(1, Ct))!.Status);
    }

    [Fact]
    public async Task Only_a_pending_version_can_be_decided_and_a_refused_decision_changes_nothing()
    {
        var repository = new SqlitePolicyRepository(_store.Database);
        await repository.ProposeAsync(Document("a"), "token:tok_alice", "", T0, null, Ct);
        Assert.True(await repository.DecideAsync(1, approve: false, "token:tok_bob", T0, null, Ct));

        Assert.False(await repository.DecideAsync(1, approve: true, "token:tok_carol", T0, null, Ct));
        Assert.False(await repository.DecideAsync(7, approve: true, "token:tok_carol", T0, null, Ct));

        var rejected = await repository.GetAsync(1, Ct);
        Assert.Equal((PolicyStatus.Rejected, "token:tok_bob"), (rejected!.Status, rejected.DecidedBy));
        Assert.Null(await repository.GetActiveAsync(Ct));
    }
}
