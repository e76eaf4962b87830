using Custos.Storage.Sqlite;

namespace Custos.Storage.Tests.Sqlite;

/// <summary>A database in its own temp folder; disposing closes it and deletes the folder.</summary>
internal sealed class SqliteStore : IDisposable
{
    private readonly TempFolder _folder = new();
    private SqliteDatabase? _database;

    public string DataFile => _folder.File("custos.db");

    /// <summary>The database, opened on first use.</summary>
    public SqliteDatabase Database => _database ??= new SqliteDatabase(DataFile);

    public void Dispose()
    {
        _database?.Dispose();
        _folder.Dispose();
    }
}
