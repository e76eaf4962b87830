using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Custos.Storage.Tests.Sqlite;

public sealed class SqliteAuditLogTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    private static AuditEvent Event(int i) => new()
    {
        Time = new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero).AddMilliseconds(i),
        Node = "n1", Principal = $"token:t{i % 3}", Operation = "data.decrypt", Outcome = AuditOutcome.Allowed, RequestId = $"r{i}",
    };

    [Fact]
    public async Task Concurrent_appends_are_all_durable_with_dense_indexes_and_correct_leaf_hashes()
    {
        var path = _folder.File("custos.db");
        using (var db = new SqliteDatabase(path))
        {
            await using var log = new SqliteAuditLog(db);
            await Task.WhenAll(Enumerable.Range(0, 500).Select(i => log.AppendAsync(Event(i), Ct).AsTask()));
        }
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using var cmd = new SqliteCommand("SELECT idx, leaf_hash, event FROM audit_events ORDER BY idx", c);
        using var r = cmd.ExecuteReader();
        var requestIds = new HashSet<string>();
        long expected = 0;
        while (r.Read())
        {
            Assert.Equal(expected++, r.GetInt64(0));
            var data = (byte[])r[2];
            Assert.Equal(System.Security.Cryptography.SHA256.HashData([0, .. data]), (byte[])r[1]);
            requestIds.Add(AuditEvent.FromLeafData(data)!.RequestId!);
        }
        Assert.Equal(500, expected);
        Assert.Equal(500, requestIds.Count);
    }

    [Fact]
    public async Task When_the_store_refuses_every_waiting_append_fails_and_later_ones_succeed()
    {
        var path = _folder.File("custos.db");
        using var db = new SqliteDatabase(path);
        await using var log = new SqliteAuditLog(db);
        await log.AppendAsync(Event(0), Ct);
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var t = new SqliteCommand("CREATE TRIGGER down BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'down'); END;", c);
            t.ExecuteNonQuery();
        }
        var failing = Enumerable.Range(1, 20).Select(i => log.AppendAsync(Event(i), Ct).AsTask()).ToList();
        foreach (var f in failing) await Assert.ThrowsAsync<CustosUnavailableException>(() => f);
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var t = new SqliteCommand("DROP TRIGGER down;", c);
            t.ExecuteNonQuery();
        }
        await log.AppendAsync(Event(99), Ct);
        using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        check.Open();
        using var count = new SqliteCommand("SELECT COUNT(*), MAX(idx) FROM audit_events", check);
        using var r = count.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal(2, r.GetInt64(0));
        Assert.Equal(1, r.GetInt64(1)); // no index was consumed by the failed appends
    }
}
