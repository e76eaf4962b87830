using Custos.Core.Ports;
using Custos.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Storage;

/// <summary>Registration of the storage adapters.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the SQLite data file at <paramref name="path"/> (created with mode 0600 when missing; its folder
    /// must exist) and the key, token, seal, ceremony, policy and approval repositories over it, all singletons. The file is opened and
    /// migrated when <see cref="SqliteDatabase"/> is first resolved; it uses the registered <see cref="TimeProvider"/>
    /// when there is one.
    /// </summary>
    public static IServiceCollection AddCustosSqlite(this IServiceCollection services, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        services.AddSingleton(sp => new SqliteDatabase(path, sp.GetService<TimeProvider>()));
        services.AddSingleton<IKeyRepository, SqliteKeyRepository>();
        services.AddSingleton<ITokenRepository, SqliteTokenRepository>();
        services.AddSingleton<ISealRepository, SqliteSealRepository>();
        services.AddSingleton<ICeremonyRepository, SqliteCeremonyRepository>();
        services.AddSingleton<IPolicyRepository, SqlitePolicyRepository>();
        services.AddSingleton<IApprovalRepository, SqliteApprovalRepository>();
        services.AddSingleton<IProviderRepository, SqliteProviderRepository>();
        services.AddSingleton<SqliteAuditLog>();
        services.AddSingleton<Core.Audit.IAuditStore, SqliteAuditStore>();
        services.AddSingleton<Core.Audit.IAuditLog>(sp => sp.GetRequiredService<SqliteAuditLog>());
        return services;
    }
}
