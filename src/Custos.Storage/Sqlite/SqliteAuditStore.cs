using System.Text;
using Custos.Core.Audit;
using Microsoft.Data.Sqlite;
using static Custos.Storage.Sqlite.SqliteValues;

namespace Custos.Storage.Sqlite;

/// <summary>Reads of the audit log, and its checkpoints and signing key, in the SQLite data file.</summary>
public sealed class SqliteAuditStore(SqliteDatabase database) : IAuditStore
{
    /// <summary>Largest page of events.</summary>
    public const int MaxPage = 1000;

    /// <inheritdoc />
    public async Task<TreeHead> GetTreeHeadAsync(CancellationToken cancellationToken)
    {
        var (size, root, _) = await database.AuditTreeAsync(null, cancellationToken);
        return new TreeHead(size, root);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<byte[]>> GetLeafHashesAsync(long size, CancellationToken cancellationToken) =>
        (await database.AuditTreeAsync(size, cancellationToken)).Leaves!;

    /// <inheritdoc />
    public Task<AuditPage> ReadAsync(AuditQuery query, CancellationToken cancellationToken) =>
        database.ReadAsync("read of the audit log", async (connection, transaction, ct) =>
        {
            var limit = Math.Clamp(query.Limit, 1, MaxPage);
            var sql = new StringBuilder("SELECT idx, leaf_hash, event FROM audit_events WHERE idx > @after");
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.Parameters.AddWithValue("@after", query.After);
            if (query.KeyId is not null) { sql.Append(" AND key_id = @key"); command.Parameters.AddWithValue("@key", query.KeyId); }
            if (query.Principal is not null) { sql.Append(" AND principal = @principal"); command.Parameters.AddWithValue("@principal", query.Principal); }
            if (query.Operation is not null) { sql.Append(" AND operation = @operation"); command.Parameters.AddWithValue("@operation", query.Operation); }
            if (query.Outcome is not null) { sql.Append(" AND outcome = @outcome"); command.Parameters.AddWithValue("@outcome", query.Outcome); }
            if (query.From is { } from) { sql.Append(" AND time >= @from"); command.Parameters.AddWithValue("@from", Time(from)); }
            if (query.To is { } to) { sql.Append(" AND time < @to"); command.Parameters.AddWithValue("@to", Time(to)); }
            sql.Append(" ORDER BY idx LIMIT @limit");
            command.Parameters.AddWithValue("@limit", limit + 1);
            command.CommandText = sql.ToString();
            var leaves = new List<AuditLeaf>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) leaves.Add(new AuditLeaf(reader.GetInt64(0), (byte[])reader[1], (byte[])reader[2]));
            long? next = leaves.Count > limit ? leaves[limit - 1].Index : null;
            return new AuditPage(leaves.Take(limit).ToList(), next);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SaveCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken) =>
        database.WriteAsync("save of an audit checkpoint", async (connection, transaction, ct) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO audit_checkpoints (tree_size, note, created_at) VALUES (@size, @note, @at) ON CONFLICT (tree_size) DO NOTHING";
            command.Parameters.AddWithValue("@size", checkpoint.TreeSize);
            command.Parameters.AddWithValue("@note", checkpoint.Note);
            command.Parameters.AddWithValue("@at", Time(checkpoint.CreatedAt));
            var added = await command.ExecuteNonQueryAsync(ct) == 1;
            return (added, added);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredCheckpoint>> ListCheckpointsAsync(long afterSize, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<StoredCheckpoint>>("read of audit checkpoints", async (connection, transaction, ct) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT tree_size, note, created_at FROM audit_checkpoints WHERE tree_size > @after ORDER BY tree_size LIMIT @limit";
            command.Parameters.AddWithValue("@after", afterSize);
            command.Parameters.AddWithValue("@limit", Math.Clamp(limit, 1, MaxPage));
            return await ReadCheckpointsAsync(command, ct);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<StoredCheckpoint?> LatestCheckpointAsync(CancellationToken cancellationToken) =>
        database.ReadAsync("read of the latest audit checkpoint", async (connection, transaction, ct) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT tree_size, note, created_at FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1";
            return (await ReadCheckpointsAsync(command, ct)).FirstOrDefault();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> UpdateCheckpointNoteAsync(long treeSize, string note, CancellationToken cancellationToken) =>
        database.WriteAsync("update of an audit checkpoint", async (connection, transaction, ct) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE audit_checkpoints SET note = @note WHERE tree_size = @size";
            command.Parameters.AddWithValue("@size", treeSize);
            command.Parameters.AddWithValue("@note", note);
            var updated = await command.ExecuteNonQueryAsync(ct) == 1;
            return (updated, updated);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<SealedSigningKey?> GetSigningKeyAsync(CancellationToken cancellationToken) =>
        database.ReadAsync("read of the audit signing key", async (connection, transaction, ct) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT name, public_key, sealed_private_key, created_at, location FROM audit_signing_key WHERE id = 1";
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct)
                ? new SealedSigningKey(reader.GetString(0), (byte[])reader[1], (byte[])reader[2], ReadTime(reader, 3), reader.IsDBNull(4) ? null : reader.GetString(4))
                : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SaveSigningKeyAsync(SealedSigningKey key, CancellationToken cancellationToken) =>
        database.WriteAsync("save of the audit signing key", async (connection, transaction, ct) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO audit_signing_key (id, name, public_key, sealed_private_key, created_at, location) VALUES (1, @name, @pub, @priv, @at, @location) ON CONFLICT (id) DO NOTHING";
            command.Parameters.AddWithValue("@name", key.Name);
            command.Parameters.AddWithValue("@pub", key.PublicKey);
            command.Parameters.AddWithValue("@priv", key.SealedPrivateKey);
            command.Parameters.AddWithValue("@at", Time(key.CreatedAt));
            command.Parameters.AddWithValue("@location", (object?)key.Location ?? DBNull.Value);
            var added = await command.ExecuteNonQueryAsync(ct) == 1;
            return (added, added);
        }, cancellationToken);

    private static async Task<List<StoredCheckpoint>> ReadCheckpointsAsync(SqliteCommand command, CancellationToken ct)
    {
        var list = new List<StoredCheckpoint>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(new StoredCheckpoint(reader.GetInt64(0), reader.GetString(1), ReadTime(reader, 2)));
        return list;
    }
}
