using Custos.Core.Ports;
using Custos.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Storage.Tests;

public sealed class StorageServiceCollectionExtensionsTests
{
    [Fact]
    public void AddCustosSqlite_registers_the_database_and_the_three_repositories_as_singletons()
    {
        var services = new ServiceCollection();

        services.AddCustosSqlite("/var/lib/custos/custos.db");

        foreach (var (service, implementation) in new[]
        {
            (typeof(SqliteDatabase), (Type?)null),
            (typeof(IKeyRepository), typeof(SqliteKeyRepository)),
            (typeof(ITokenRepository), typeof(SqliteTokenRepository)),
            (typeof(ISealRepository), typeof(SqliteSealRepository)),
            (typeof(IApprovalRepository), typeof(SqliteApprovalRepository)),
            (typeof(IProviderRepository), typeof(SqliteProviderRepository)),
        })
        {
            var descriptor = Assert.Single(services, d => d.ServiceType == service);
            Assert.Equal(ServiceLifetime.Singleton, descriptor.Lifetime);
            if (implementation is not null) Assert.Equal(implementation, descriptor.ImplementationType);
        }
    }
}
