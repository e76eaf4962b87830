using Custos.Core.Ports;
using Custos.Storage.Sqlite;
using Custos.Storage.Tests.Contracts;

namespace Custos.Storage.Tests.Sqlite;

public sealed class SqliteApprovalRepositoryTests : ApprovalRepositoryContract, IDisposable
{
    private readonly SqliteStore _store = new();

    protected override IApprovalRepository CreateRepository() => new SqliteApprovalRepository(_store.Database);

    public void Dispose() => _store.Dispose();
}
