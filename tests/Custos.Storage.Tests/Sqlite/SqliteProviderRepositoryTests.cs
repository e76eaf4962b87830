using Custos.Core.Ports;
using Custos.Storage.Sqlite;
using Custos.Storage.Tests.Contracts;
using Microsoft.Data.Sqlite;

namespace Custos.Storage.Tests.Sqlite;

public sealed class SqliteProviderRepositoryTests : ProviderRepositoryContract, IDisposable
{
    private readonly SqliteStore _store = new();

    protected override IProviderRepository CreateRepository() => new SqliteProviderRepository(_store.Database);

    protected override Task<IReadOnlyList<string>> AuditedOperationsAsync()
    {
        using var connection = new SqliteConnection($"Data Source={_store.DataFile};Pooling=False");
        connection.Open();
        using var command = new SqliteCommand("SELECT operation FROM audit_events ORDER BY idx", connection);
        using var reader = command.ExecuteReader();
        var operations = new List<string>();
        while (reader.Read()) operations.Add(reader.GetString(0));
        return Task.FromResult<IReadOnlyList<string>>(operations);
    }

    public void Dispose() => _store.Dispose();
}
