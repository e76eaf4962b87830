using System.Runtime.Versioning;
using System.Security.Cryptography;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Ports;
using Custos.Storage.Sqlite;
using Custos.Storage.Tests.Contracts;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using static Custos.Storage.Tests.Contracts.TestKeys;

namespace Custos.Storage.Tests.Sqlite;

/// <summary>What only the SQLite adapter promises: file, pragmas, migrations, durability, wiping.</summary>
public sealed class SqliteDatabaseTests : IDisposable
{
    /// <summary>The newest schema version this build has (the number of the last migration).</summary>
    private const int LatestSchema = 10;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempFolder _folder = new();

    private string DataFile => _folder.File("custos.db");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Every_connection_runs_with_the_durability_and_safety_pragmas()
    {
        using var database = new SqliteDatabase(DataFile);
        // Several at once, so the pool hands out distinct connections; then again, reused from the pool.
        for (var round = 0; round < 2; round++)
        {
            var connections = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => database.OpenConnectionAsync(Ct)));
            foreach (var connection in connections)
            {
                using (connection)
                {
                    Assert.Equal(2L, Pragma(connection, "synchronous")); // 2 = FULL
                    Assert.Equal("wal", Pragma(connection, "journal_mode"));
                    Assert.Equal(1L, Pragma(connection, "foreign_keys"));
                    Assert.Equal(1L, Pragma(connection, "secure_delete"));
                    Assert.Equal(5000L, Pragma(connection, "busy_timeout"));
                }
            }
        }
    }

    [Fact]
    public async Task Data_written_before_closing_is_there_after_reopening()
    {
        var key = Full(KeyState.Enabled);
        var token = TestTokens.New();
        using (var database = new SqliteDatabase(DataFile))
        {
            Assert.Equal(SaveOutcome.Saved, await new SqliteKeyRepository(database).InsertAsync(key, Ct));
            await new SqliteTokenRepository(database).InsertAsync(token, Ct);
        }

        using var reopened = new SqliteDatabase(DataFile);

        KeyAssert.Equal(key, await new SqliteKeyRepository(reopened).GetAsync(key.Id, Ct));
        TestTokens.Equal(token, await new SqliteTokenRepository(reopened).FindByHashAsync(token.SecretHash, Ct));
    }

    [Fact]
    public async Task Migrations_are_applied_once()
    {
        using (var first = new SqliteDatabase(DataFile, new FakeTimeProvider(T0)))
            Assert.Equal(LatestSchema, first.SchemaVersion);

        using var second = new SqliteDatabase(DataFile, new FakeTimeProvider(T0.AddDays(1)));

        Assert.Equal(LatestSchema, second.SchemaVersion);
        using var connection = await second.OpenConnectionAsync(Ct);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, applied_at FROM schema_migrations ORDER BY version";
        using var reader = await command.ExecuteReaderAsync(Ct);
        foreach (var version in MigrationRunner.Embedded().Select(m => m.Version)) // 1 to LatestSchema
        {
            Assert.True(await reader.ReadAsync(Ct));
            Assert.Equal(version, reader.GetInt32(0));
            Assert.Equal("2025-03-14T09:26:53.589793Z", reader.GetString(1)); // applied by the first open only
        }
        Assert.False(await reader.ReadAsync(Ct));
    }

    [Fact]
    public void A_database_with_a_newer_schema_is_refused_with_a_clear_message()
    {
        new SqliteDatabase(DataFile).Dispose();
        using (var connection = RawConnection())
        {
            Execute(connection, "INSERT INTO schema_migrations (version, applied_at) VALUES (9999, '2030-01-01T00:00:00.000000Z')");
        }

        var error = Assert.Throws<CustosUnavailableException>(() => new SqliteDatabase(DataFile));

        Assert.Contains($"schema version 9999 is newer than this Custos build supports (up to {LatestSchema})", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_refused()
    {
        File.WriteAllText(DataFile, "this is not a SQLite database, just some text long enough to have a header");

        var error = Assert.Throws<CustosUnavailableException>(() => new SqliteDatabase(DataFile));

        Assert.Equal("database could not be opened", error.Message);
        Assert.IsType<SqliteException>(error.InnerException);
    }

    [Fact]
    public void A_missing_folder_is_refused()
    {
        var path = _folder.File(Path.Combine("missing", "custos.db"));

        var error = Assert.Throws<DirectoryNotFoundException>(() => new SqliteDatabase(path));

        Assert.Contains("does not exist", error.Message);
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task The_data_file_and_its_log_are_readable_by_the_owner_only()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        using var database = new SqliteDatabase(DataFile);
        await new SqliteTokenRepository(database).InsertAsync(TestTokens.New(), Ct);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DataFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DataFile + "-wal"));
    }

    [Fact]
    public async Task Destroyed_material_does_not_remain_anywhere_in_the_file()
    {
        using var database = new SqliteDatabase(DataFile);
        var repository = new SqliteKeyRepository(database);
        // Large handles: the shorter row written over them cannot cover them, so without secure_delete
        // the old bytes would stay in the page's free space.
        var key = ManagedKey.Create(NewId(), "wiped", KeyPurpose.EncryptDecrypt, KeyCustody.Software, KeySpec.Aes256Gcm,
            new KeyAttributes(), new KeyVersion(1, KeyVersionState.Enabled, "software", RandomNumberGenerator.GetBytes(700), T0, null), T0);
        Check(key.Rotate(new KeyVersion(2, KeyVersionState.Enabled, "software", RandomNumberGenerator.GetBytes(60), T0.AddDays(1), null), T0.AddDays(1)));
        var materials = key.Versions.Select(v => v.Material!).ToList();
        Assert.Equal(SaveOutcome.Saved, await repository.InsertAsync(key, Ct));
        await CheckpointAsync(database);
        // The search finds the material while it is stored, so its absence later means something.
        Assert.All(materials, m => Assert.True(Contains(File.ReadAllBytes(DataFile), m)));

        var loaded = (await repository.GetAsync(key.Id, Ct))!;
        Check(loaded.ScheduleDestruction(7, T0.AddDays(10)));
        Assert.Equal(SaveOutcome.Saved, await repository.UpdateAsync(loaded, Ct));
        Check(loaded.Destroy(T0.AddDays(17)));
        Assert.Equal(SaveOutcome.Saved, await repository.UpdateAsync(loaded, Ct));
        await CheckpointAsync(database);

        var bytes = File.ReadAllBytes(DataFile);
        var log = File.Exists(DataFile + "-wal") ? File.ReadAllBytes(DataFile + "-wal") : [];
        Assert.All(materials, m =>
        {
            Assert.False(ContainsFragment(bytes, m), "destroyed material is still in the data file");
            Assert.False(ContainsFragment(log, m), "destroyed material is still in the write-ahead log");
        });
    }

    [Fact]
    public async Task Concurrent_writers_never_fail_with_busy()
    {
        using var database = new SqliteDatabase(DataFile);
        using var other = new SqliteDatabase(DataFile); // a second instance on the same file: only busy_timeout helps there
        var repositories = new[] { new SqliteKeyRepository(database), new SqliteKeyRepository(other) };

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
        {
            var repository = repositories[i % 2];
            var key = New($"parallel-{i}");
            var inserted = await repository.InsertAsync(key, Ct);
            var loaded = (await repository.GetAsync(key.Id, Ct))!;
            Check(loaded.Disable(T0.AddMinutes(1)));
            return (inserted, await repository.UpdateAsync(loaded, Ct));
        }));

        Assert.All(outcomes, o => Assert.Equal((SaveOutcome.Saved, SaveOutcome.Saved), o));
        var page = await repositories[0].ListAsync(null, 100, Ct);
        Assert.Equal(60, page.Keys.Count);
        Assert.All(page.Keys, k => Assert.Equal(KeyState.Disabled, k.State));
    }

    [Fact]
    public async Task Database_failures_become_unavailable_without_data_in_the_message()
    {
        using var database = new SqliteDatabase(DataFile);
        var tokens = new SqliteTokenRepository(database);
        using (var connection = RawConnection()) Execute(connection, "DROP TABLE tokens");
        var hash = SHA256.HashData([42]);

        var error = await Assert.ThrowsAsync<CustosUnavailableException>(() => tokens.FindByHashAsync(hash, Ct));

        Assert.Equal("database lookup of a token failed", error.Message);
        Assert.IsType<SqliteException>(error.InnerException);
        await Assert.ThrowsAsync<CustosUnavailableException>(() => tokens.InsertAsync(TestTokens.New(), Ct));
    }

    [Fact]
    public async Task A_disposed_database_refuses_work()
    {
        var database = new SqliteDatabase(DataFile);
        var keys = new SqliteKeyRepository(database);
        database.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => keys.InsertAsync(New(), Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => keys.GetAsync(NewId(), Ct));
    }

    private SqliteConnection RawConnection()
    {
        var connection = new SqliteConnection($"Data Source={DataFile};Pooling=False");
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Pragma(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name}";
        return command.ExecuteScalar();
    }

    /// <summary>Copies the log into the data file and truncates the log.</summary>
    private static async Task CheckpointAsync(SqliteDatabase database)
    {
        using var connection = await database.OpenConnectionAsync(Ct);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal(0, reader.GetInt32(0)); // not blocked
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>True when any 16 consecutive bytes of <paramref name="needle"/> occur in <paramref name="haystack"/>.</summary>
    private static bool ContainsFragment(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + 16 <= needle.Length; i++)
        {
            if (haystack.AsSpan().IndexOf(needle.AsSpan(i, 16)) >= 0) return true;
        }
        return false;
    }
}
