using Custos.Core.Ports;
using Custos.Storage.Sqlite;
using Custos.Storage.Tests.Contracts;

namespace Custos.Storage.Tests.Sqlite;

public sealed class SqliteTokenRepositoryTests : TokenRepositoryContract, IDisposable
{
    private readonly SqliteStore _store = new();

    protected override ITokenRepository CreateRepository() => new SqliteTokenRepository(_store.Database);

    public void Dispose() => _store.Dispose();
}
