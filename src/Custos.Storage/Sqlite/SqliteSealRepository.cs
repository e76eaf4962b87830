using Custos.Core.Access;
using Custos.Core.Ports;
using Custos.Core.Seal;
using Microsoft.Data.Sqlite;
using static Custos.Storage.Sqlite.SqliteValues;

namespace Custos.Storage.Sqlite;

/// <summary>The one seal configuration in SQLite (table <c>seal_config</c>, a single row with id 1), and the init ceremony stored with it.</summary>
public sealed class SqliteSealRepository : ISealRepository
{
    private readonly SqliteDatabase _database;

    /// <summary>Creates the repository over <paramref name="database"/>.</summary>
    public SqliteSealRepository(SqliteDatabase database) => _database = database;

    /// <inheritdoc />
    public Task<SealConfiguration?> GetAsync(CancellationToken cancellationToken) =>
        _database.ReadAsync("read of the seal configuration", async (connection, transaction, ct) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                SELECT type, shares, threshold, root_key_id, encrypted_keyring, created_at, wrapped_root_key, root_key_protector, ceremony_id
                FROM seal_config WHERE id = 1
                """;
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return null;
            return new SealConfiguration(
                reader.GetString(0),
                reader.GetInt32(1),
                reader.GetInt32(2),
                reader.GetString(3),
                (byte[])reader.GetValue(4),
                ReadTime(reader, 5),
                reader.IsDBNull(6) ? null : (byte[])reader.GetValue(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8));
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> InitializeAsync(SealConfiguration configuration, AccessToken rootToken, CancellationToken cancellationToken) =>
        InitializeAsync(configuration, rootToken, null, cancellationToken);

    /// <inheritdoc />
    public Task<bool> InitializeAsync(SealConfiguration configuration, AccessToken rootToken, Core.Audit.AuditEvent? auditEvent, CancellationToken cancellationToken) =>
        InitializeAsync(configuration, rootToken, null, auditEvent, cancellationToken);

    /// <inheritdoc />
    public Task<bool> InitializeWithCeremonyAsync(SealConfiguration configuration, Ceremony ceremony, Core.Audit.AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        if (configuration.CeremonyId != ceremony.Id) throw Core.Errors.Error.Invariant("the seal configuration must name the ceremony stored with it");
        return InitializeAsync(configuration, null, ceremony, auditEvent, cancellationToken);
    }

    private Task<bool> InitializeAsync(SealConfiguration configuration, AccessToken? rootToken, Ceremony? ceremony, Core.Audit.AuditEvent? auditEvent,
        CancellationToken cancellationToken) =>
        _database.WriteAsync("initialisation of the seal configuration", async (connection, transaction, ct) =>
        {
            using (var exists = connection.CreateCommand())
            {
                exists.Transaction = transaction;
                exists.CommandText = "SELECT 1 FROM seal_config WHERE id = 1";
                if (await exists.ExecuteScalarAsync(ct) is not null) return (false, false);
            }
            using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT INTO seal_config (id, type, shares, threshold, root_key_id, encrypted_keyring, created_at, wrapped_root_key, root_key_protector, ceremony_id)
                    VALUES (1, @type, @shares, @threshold, @root_key_id, @encrypted_keyring, @created_at, @wrapped_root_key, @root_key_protector, @ceremony_id)
                    """;
                insert.Parameters.AddWithValue("@type", configuration.Type);
                insert.Parameters.AddWithValue("@shares", configuration.Shares);
                insert.Parameters.AddWithValue("@threshold", configuration.Threshold);
                insert.Parameters.AddWithValue("@root_key_id", configuration.RootKeyId);
                insert.Parameters.Add("@encrypted_keyring", SqliteType.Blob).Value = configuration.EncryptedKeyring;
                insert.Parameters.AddWithValue("@created_at", Time(configuration.CreatedAt));
                insert.Parameters.Add("@wrapped_root_key", SqliteType.Blob).Value = (object?)configuration.WrappedRootKey ?? DBNull.Value;
                insert.Parameters.AddWithValue("@root_key_protector", (object?)configuration.RootKeyProtector ?? DBNull.Value);
                insert.Parameters.AddWithValue("@ceremony_id", (object?)configuration.CeremonyId ?? DBNull.Value);
                if (ceremony is not null) await CeremonyRows.InsertAsync(connection, transaction, ceremony, ct); // first: seal_config refers to it
                await insert.ExecuteNonQueryAsync(ct);
            }
            if (rootToken is not null) await TokenRows.InsertAsync(connection, transaction, rootToken, ct);
            if (auditEvent is not null) await _database.StageAuditAsync(connection, transaction, auditEvent, ct);
            return (true, true);
        }, cancellationToken);
}
