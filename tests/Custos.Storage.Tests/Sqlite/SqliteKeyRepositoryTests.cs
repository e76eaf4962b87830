using Custos.Core.Ports;
using Custos.Storage.Sqlite;
using Custos.Storage.Tests.Contracts;

namespace Custos.Storage.Tests.Sqlite;

public sealed class SqliteKeyRepositoryTests : KeyRepositoryContract, IDisposable
{
    private readonly SqliteStore _store = new();

    protected override IKeyRepository CreateRepository() => new SqliteKeyRepository(_store.Database);

    public void Dispose() => _store.Dispose();
}
