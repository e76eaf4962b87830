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

    [Fact]
    public async Task A_lone_append_commits_at_once_without_waiting_for_the_gather_window()
    {
        using var db = new SqliteDatabase(_folder.File("custos.db"));
        await using var log = new SqliteAuditLog(db, TimeSpan.FromMinutes(10));
        log.RequestStarted();
        // The only request in flight has its event queued: waiting could not grow the batch.
        await log.AppendAsync(Event(0), Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
        log.RequestEnded();
        await log.AppendAsync(Event(1), Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct); // background event, no request
        Assert.Equal(2, log.Commits);
    }

    [Fact]
    public async Task While_other_requests_are_in_flight_the_writer_waits_for_their_events_and_commits_them_together()
    {
        using var db = new SqliteDatabase(_folder.File("custos.db"));
        await using var log = new SqliteAuditLog(db, TimeSpan.FromMinutes(10));
        for (int i = 0; i < 3; i++) log.RequestStarted();

        var first = log.AppendAsync(Event(0), Ct).AsTask();
        var second = log.AppendAsync(Event(1), Ct).AsTask();
        await Task.Delay(300, Ct);
        Assert.False(first.IsCompleted, "two of three requests have appended: the writer should still be gathering");
        Assert.Equal(0, log.Commits);

        var third = log.AppendAsync(Event(2), Ct).AsTask();
        await Task.WhenAll(first, second, third).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(1, log.Commits);
    }

    [Fact]
    public async Task A_request_that_ends_without_an_event_releases_the_waiting_batch()
    {
        using var db = new SqliteDatabase(_folder.File("custos.db"));
        await using var log = new SqliteAuditLog(db, TimeSpan.FromMinutes(10));
        log.RequestStarted();
        log.RequestStarted();
        var waiting = log.AppendAsync(Event(0), Ct).AsTask();
        await Task.Delay(200, Ct);
        Assert.False(waiting.IsCompleted);

        log.RequestEnded(); // e.g. a request whose event went into its own write transaction
        await waiting.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(1, log.Commits);
    }

    [Fact]
    public async Task The_gather_window_bounds_the_wait_when_other_requests_never_append()
    {
        using var db = new SqliteDatabase(_folder.File("custos.db"));
        await using var log = new SqliteAuditLog(db, TimeSpan.FromMilliseconds(20));
        for (int i = 0; i < 5; i++) log.RequestStarted();
        await log.AppendAsync(Event(0), Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(1, log.Commits);
    }

    [Fact]
    public async Task Disposing_commits_what_is_queued()
    {
        var path = _folder.File("custos.db");
        Task pending;
        using (var db = new SqliteDatabase(path))
        {
            var log = new SqliteAuditLog(db, TimeSpan.FromMinutes(10));
            log.RequestStarted();
            log.RequestStarted();
            pending = log.AppendAsync(Event(0), Ct).AsTask();
            await log.DisposeAsync();
            await pending.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            await Assert.ThrowsAsync<CustosUnavailableException>(() => log.AppendAsync(Event(1), Ct).AsTask());
        }
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using var count = new SqliteCommand("SELECT COUNT(*) FROM audit_events", c);
        Assert.Equal(1L, count.ExecuteScalar());
    }
}
