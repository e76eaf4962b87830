using Custos.Core.Errors;
using Custos.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Custos.Storage.Tests.Sqlite;

public sealed class MigrationRunnerTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempFolder _folder = new();

    private string DataFile => _folder.File("custos.db");

    public void Dispose() => _folder.Dispose();

    /// <summary>Versions other branches have taken and this one does not carry yet; once merged they are simply present.</summary>
    private static readonly int[] ReservedElsewhere = [7, 8];

    [Fact]
    public void The_embedded_migrations_are_numbered_from_one_without_gaps()
    {
        var migrations = MigrationRunner.Embedded();
        var versions = migrations.Select(m => m.Version).ToList();

        Assert.Equal(Enumerable.Range(1, versions[^1]), versions);
        Assert.Equal("initial", migrations[0].Name);
        Assert.Contains("CREATE TABLE keys", migrations[0].Sql);
    }

    [Fact]
    public async Task Migrations_are_applied_in_order_and_a_later_one_on_a_later_open()
    {
        var one = new SqliteMigration(1, "one", "CREATE TABLE log (step TEXT NOT NULL); INSERT INTO log VALUES ('one');");
        var two = new SqliteMigration(2, "two", "INSERT INTO log VALUES ('two');");
        var three = new SqliteMigration(3, "three", "INSERT INTO log VALUES ('three');");
        using (var first = new SqliteDatabase(DataFile, [two, one], new FakeTimeProvider()))
            Assert.Equal(2, first.SchemaVersion);

        using var second = new SqliteDatabase(DataFile, [three, one, two], new FakeTimeProvider());

        Assert.Equal(3, second.SchemaVersion);
        Assert.Equal(["one", "two", "three"], await QueryAsync(second, "SELECT step FROM log ORDER BY rowid"));
        Assert.Equal(["1", "2", "3"], await QueryAsync(second, "SELECT version FROM schema_migrations ORDER BY version"));
    }

    [Fact]
    public async Task A_failing_migration_leaves_nothing_of_itself_behind()
    {
        var one = new SqliteMigration(1, "one", "CREATE TABLE a (x INTEGER);");
        var broken = new SqliteMigration(2, "broken", "CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);");

        var error = Assert.Throws<CustosUnavailableException>(() => new SqliteDatabase(DataFile, [one, broken], new FakeTimeProvider()));

        Assert.Equal("database migration 0002_broken failed", error.Message);
        using var database = new SqliteDatabase(DataFile, [one], new FakeTimeProvider());
        Assert.Equal(1, database.SchemaVersion);
        Assert.Equal(["a", "schema_migrations"],
            await QueryAsync(database, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"));
    }

    private static async Task<List<string>> QueryAsync(SqliteDatabase database, string sql)
    {
        using var connection = await database.OpenConnectionAsync(Ct);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = await command.ExecuteReaderAsync(Ct);
        var values = new List<string>();
        while (await reader.ReadAsync(Ct)) values.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        return values;
    }
}
