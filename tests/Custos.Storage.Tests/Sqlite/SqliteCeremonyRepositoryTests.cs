using Custos.Core.Ports;
using Custos.Storage.Sqlite;
using Custos.Storage.Tests.Contracts;

namespace Custos.Storage.Tests.Sqlite;

public sealed class SqliteCeremonyRepositoryTests : CeremonyRepositoryContract, IDisposable
{
    private readonly SqliteStore _store = new();

    protected override (ISealRepository Seal, ICeremonyRepository Ceremonies, ITokenRepository Tokens) CreateRepositories() =>
        (new SqliteSealRepository(_store.Database), new SqliteCeremonyRepository(_store.Database), new SqliteTokenRepository(_store.Database));

    public void Dispose() => _store.Dispose();
}
