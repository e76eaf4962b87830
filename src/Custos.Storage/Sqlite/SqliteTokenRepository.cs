using Custos.Core.Access;
using Custos.Core.Ports;
using Microsoft.Data.Sqlite;
using static Custos.Storage.Sqlite.SqliteValues;

namespace Custos.Storage.Sqlite;

/// <summary>Access-token records in SQLite (table <c>tokens</c>; secrets only as their SHA-256 hash).</summary>
public sealed class SqliteTokenRepository : ITokenRepository
{
    private readonly SqliteDatabase _database;

    /// <summary>Creates the repository over <paramref name="database"/>.</summary>
    public SqliteTokenRepository(SqliteDatabase database) => _database = database;

    /// <inheritdoc />
    public Task InsertAsync(AccessToken token, CancellationToken cancellationToken) => InsertAsync(token, null, cancellationToken);

    /// <inheritdoc />
    public Task InsertAsync(AccessToken token, Core.Audit.AuditEvent? auditEvent, CancellationToken cancellationToken) =>
        _database.WriteAsync("insert of a token", async (connection, transaction, ct) =>
        {
            await TokenRows.InsertAsync(connection, transaction, token, ct);
            if (auditEvent is not null) await _database.StageAuditAsync(connection, transaction, auditEvent, ct);
            return (true, true);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<AccessToken?> FindByHashAsync(byte[] secretHash, CancellationToken cancellationToken) =>
        _database.ReadAsync("lookup of a token", async (connection, transaction, ct) =>
        {
            using var command = Command(connection, transaction, $"SELECT {TokenRows.Columns} FROM tokens WHERE secret_hash = @hash");
            command.Parameters.Add("@hash", SqliteType.Blob).Value = secretHash;
            return (await ReadAsync(command, ct)).SingleOrDefault();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<AccessToken?> GetAsync(string id, CancellationToken cancellationToken) =>
        _database.ReadAsync("read of a token", async (connection, transaction, ct) =>
        {
            using var command = Command(connection, transaction, $"SELECT {TokenRows.Columns} FROM tokens WHERE id = @id");
            command.Parameters.AddWithValue("@id", id);
            return (await ReadAsync(command, ct)).SingleOrDefault();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<AccessToken>> ListAsync(CancellationToken cancellationToken) =>
        _database.ReadAsync<IReadOnlyList<AccessToken>>("listing of tokens", async (connection, transaction, ct) =>
        {
            using var command = Command(connection, transaction,
                $"SELECT {TokenRows.Columns} FROM tokens ORDER BY created_at DESC, id DESC");
            return await ReadAsync(command, ct);
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Revoking a revoked token succeeds and keeps the first revocation time.</remarks>
    public Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) => RevokeAsync(id, at, null, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RevokeAsync(string id, DateTimeOffset at, Core.Audit.AuditEvent? auditEvent, CancellationToken cancellationToken) =>
        _database.WriteAsync("revocation of a token", async (connection, transaction, ct) =>
        {
            using var command = Command(connection, transaction,
                "UPDATE tokens SET revoked_at = COALESCE(revoked_at, @at) WHERE id = @id");
            command.Parameters.AddWithValue("@id", id);
            command.Parameters.AddWithValue("@at", Time(at));
            var found = await command.ExecuteNonQueryAsync(ct) == 1;
            if (found && auditEvent is not null) await _database.StageAuditAsync(connection, transaction, auditEvent, ct);
            return (found, found);
        }, cancellationToken);

    private static async Task<List<AccessToken>> ReadAsync(SqliteCommand command, CancellationToken ct)
    {
        var tokens = new List<AccessToken>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) tokens.Add(TokenRows.Read(reader));
        return tokens;
    }
}
