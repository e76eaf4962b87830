using System.Globalization;
using System.Text.RegularExpressions;
using Custos.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Custos.Storage.Sqlite;

/// <summary>
/// Applies the numbered migrations (embedded <c>Sqlite/Migrations/NNNN_name.sql</c>) in order, each in its
/// own <c>BEGIN IMMEDIATE</c> transaction together with its row in <c>schema_migrations(version, applied_at)</c>.
/// Refuses a database whose schema is newer than the newest migration it knows.
/// </summary>
internal sealed partial class MigrationRunner
{
    private readonly IReadOnlyList<SqliteMigration> _migrations;
    private readonly TimeProvider _time;

    public MigrationRunner(IReadOnlyList<SqliteMigration> migrations, TimeProvider time)
    {
        _migrations = [.. migrations.OrderBy(m => m.Version)];
        if (_migrations.Select(m => m.Version).Distinct().Count() != _migrations.Count)
            throw Error.Invariant("two migrations have the same version");
        _time = time;
    }

    /// <summary>The newest schema version this build knows.</summary>
    public int LatestVersion => _migrations.Count == 0 ? 0 : _migrations[^1].Version;

    /// <summary>The migrations embedded in this assembly, in order.</summary>
    public static IReadOnlyList<SqliteMigration> Embedded()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var list = new List<SqliteMigration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ResourcePattern().Match(resource);
            if (!match.Success) continue;
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw Error.Invariant($"migration resource {resource} cannot be read");
            using var reader = new StreamReader(stream);
            list.Add(new SqliteMigration(
                int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                reader.ReadToEnd()));
        }
        return [.. list.OrderBy(m => m.Version)];
    }

    /// <summary>Brings the schema up to <see cref="LatestVersion"/>; returns the versions it applied.</summary>
    public IReadOnlyList<int> Apply(SqliteConnection connection)
    {
        Execute(connection, null, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER NOT NULL PRIMARY KEY,
                applied_at TEXT    NOT NULL
            ) STRICT;
            """);

        var current = CurrentVersion(connection, null);
        if (current > LatestVersion)
        {
            throw Error.Unavailable(
                $"database schema version {current} is newer than this Custos build supports (up to {LatestVersion}); " +
                "run a Custos version that knows this schema, or restore a backup made by this version");
        }

        var applied = new List<int>();
        foreach (var migration in _migrations)
        {
            if (migration.Version <= current) continue;
            using var transaction = connection.BeginTransaction(deferred: false);
            // Another process may have applied it between our check and our write lock.
            if (IsApplied(connection, transaction, migration.Version))
            {
                transaction.Rollback();
                continue;
            }
            try
            {
                Execute(connection, transaction, migration.Sql);
            }
            catch (SqliteException ex)
            {
                throw Error.Unavailable($"database migration {migration.Version:D4}_{migration.Name} failed", ex);
            }
            using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @at)";
                record.Parameters.AddWithValue("@version", migration.Version);
                record.Parameters.AddWithValue("@at", SqliteValues.Time(_time.GetUtcNow()));
                record.ExecuteNonQuery();
            }
            transaction.Commit();
            applied.Add(migration.Version);
        }
        return applied;
    }

    private static int CurrentVersion(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static bool IsApplied(SqliteConnection connection, SqliteTransaction transaction, int version)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT 1 FROM schema_migrations WHERE version = @version";
        command.Parameters.AddWithValue("@version", version);
        return command.ExecuteScalar() is not null;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [GeneratedRegex(@"\.Sqlite\.Migrations\.(?<version>\d{4})_(?<name>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex ResourcePattern();
}
