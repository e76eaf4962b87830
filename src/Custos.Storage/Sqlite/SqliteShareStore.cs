using Custos.Core.Audit;
using Microsoft.Data.Sqlite;
using static Custos.Storage.Sqlite.SqliteValues;

namespace Custos.Storage.Sqlite;

/// <summary>Whether a custodian's share is usable: pending until the Custos server commits the round that made it.</summary>
public enum ShareState
{
    /// <summary>Made by a round the server has not committed: never used for a partial.</summary>
    Pending,
    /// <summary>Committed: answers partial requests.</summary>
    Active,
}

/// <summary>
/// One share row of a custodian (table <c>custodian_shares</c>). <see cref="SealedShare"/> is the scalar sealed
/// under the custodian's root key; nothing here is secret in clear.
/// </summary>
public sealed record StoredShare(string KeyId, int KeyVersion, string Fingerprint, int Participant, byte[] Group, byte[] SealedShare,
    ShareState State, string RoundId, DateTimeOffset CreatedAt);

/// <summary>
/// A custodian node's share table. Every change is audited in the same transaction as the change (the event is
/// durable exactly when the change is), so no share appears or disappears without its event.
/// </summary>
public sealed class SqliteShareStore(SqliteDatabase database)
{
    private const string Columns = "key_id, key_version, fingerprint, participant, grp, sealed_share, state, round_id, created_at";

    /// <summary>The share of one group of a key version, or null.</summary>
    public Task<StoredShare?> GetAsync(string keyId, int keyVersion, string fingerprint, CancellationToken cancellationToken) =>
        database.ReadAsync("read of a share", async (connection, transaction, ct) =>
        {
            using var command = Command(connection, transaction, $"SELECT {Columns} FROM custodian_shares WHERE key_id = @k AND key_version = @v AND fingerprint = @f");
            command.Parameters.AddWithValue("@k", keyId);
            command.Parameters.AddWithValue("@v", keyVersion);
            command.Parameters.AddWithValue("@f", fingerprint);
            return (await ReadAsync(command, ct)).SingleOrDefault();
        }, cancellationToken);

    /// <summary>Every share row (for listings and tests; no secret in clear).</summary>
    public Task<IReadOnlyList<StoredShare>> ListAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<StoredShare>>("listing of shares", async (connection, transaction, ct) =>
            await ReadAsync(Command(connection, transaction, $"SELECT {Columns} FROM custodian_shares ORDER BY key_id, key_version, created_at"), ct), cancellationToken);

    /// <summary>Stores a new pending share with its event; false (nothing written) when one of that group exists.</summary>
    public Task<bool> AddPendingAsync(StoredShare share, AuditEvent auditEvent, CancellationToken cancellationToken) =>
        database.WriteAsync("write of a share", async (connection, transaction, ct) =>
        {
            using var insert = Command(connection, transaction, $"""
                INSERT INTO custodian_shares ({Columns}) VALUES (@k, @v, @f, @p, @g, @s, 'pending', @r, @t)
                ON CONFLICT DO NOTHING
                """);
            insert.Parameters.AddWithValue("@k", share.KeyId);
            insert.Parameters.AddWithValue("@v", share.KeyVersion);
            insert.Parameters.AddWithValue("@f", share.Fingerprint);
            insert.Parameters.AddWithValue("@p", share.Participant);
            insert.Parameters.AddWithValue("@g", share.Group);
            insert.Parameters.AddWithValue("@s", share.SealedShare);
            insert.Parameters.AddWithValue("@r", share.RoundId);
            insert.Parameters.AddWithValue("@t", Time(share.CreatedAt));
            var added = await insert.ExecuteNonQueryAsync(ct) == 1;
            if (added) await database.StageAuditAsync(connection, transaction, auditEvent, ct);
            return (added, added);
        }, cancellationToken);

    /// <summary>
    /// Commits group <paramref name="fingerprint"/> of a key version: its pending share (if this custodian holds one)
    /// becomes active and every share of another group of the version is deleted. Audited even when there was
    /// nothing to change (a custodian that left the group only deletes). Returns (activated, deleted).
    /// </summary>
    public Task<(int Activated, int Deleted)> CommitAsync(string keyId, int keyVersion, string fingerprint, Func<int, int, AuditEvent> auditEvent,
        CancellationToken cancellationToken) =>
        database.WriteAsync("commit of a share", async (connection, transaction, ct) =>
        {
            using var activate = Command(connection, transaction,
                "UPDATE custodian_shares SET state = 'active' WHERE key_id = @k AND key_version = @v AND fingerprint = @f AND state = 'pending'");
            Bind(activate, keyId, keyVersion, fingerprint);
            int activated = await activate.ExecuteNonQueryAsync(ct);
            using var delete = Command(connection, transaction, "DELETE FROM custodian_shares WHERE key_id = @k AND key_version = @v AND fingerprint <> @f");
            Bind(delete, keyId, keyVersion, fingerprint);
            int deleted = await delete.ExecuteNonQueryAsync(ct);
            await database.StageAuditAsync(connection, transaction, auditEvent(activated, deleted), ct);
            return ((activated, deleted), true);
        }, cancellationToken);

    /// <summary>Deletes the pending shares of a key version's group, or of a round; audited. Returns how many.</summary>
    public Task<int> DeletePendingAsync(string? keyId, int keyVersion, string? fingerprint, string? roundId, AuditEvent auditEvent, CancellationToken cancellationToken) =>
        database.WriteAsync("deletion of a pending share", async (connection, transaction, ct) =>
        {
            using var delete = roundId is not null
                ? Command(connection, transaction, "DELETE FROM custodian_shares WHERE round_id = @r AND state = 'pending'")
                : Command(connection, transaction, "DELETE FROM custodian_shares WHERE key_id = @k AND key_version = @v AND fingerprint = @f AND state = 'pending'");
            if (roundId is not null) delete.Parameters.AddWithValue("@r", roundId);
            else Bind(delete, keyId!, keyVersion, fingerprint!);
            int deleted = await delete.ExecuteNonQueryAsync(ct);
            await database.StageAuditAsync(connection, transaction, auditEvent, ct);
            return (deleted, true);
        }, cancellationToken);

    /// <summary>
    /// Seals every share and the audit signing key again (a custodian moving its root key, for example from a key file to an
    /// HSM), in one transaction with <paramref name="auditEvent"/>: <paramref name="reseal"/> gets a row (or, for the signing
    /// key, null) and its sealed bytes and returns them sealed under the new root key; it throws to abandon the whole change.
    /// Returns how many shares were sealed again.
    /// </summary>
    public Task<int> ResealAsync(Func<StoredShare?, byte[], byte[]> reseal, AuditEvent auditEvent, CancellationToken cancellationToken) =>
        database.WriteAsync("resealing of the shares", async (connection, transaction, ct) =>
        {
            // The signing key first: it tells whether the old root key is this custodian's at all.
            using (var read = Command(connection, transaction, "SELECT sealed_private_key FROM audit_signing_key WHERE id = 1"))
            {
                if (await read.ExecuteScalarAsync(ct) is byte[] sealedKey)
                {
                    using var update = Command(connection, transaction, "UPDATE audit_signing_key SET sealed_private_key = @s WHERE id = 1");
                    update.Parameters.AddWithValue("@s", reseal(null, sealedKey));
                    await update.ExecuteNonQueryAsync(ct);
                }
            }
            var rows = await ReadAsync(Command(connection, transaction, $"SELECT {Columns} FROM custodian_shares"), ct);
            foreach (var row in rows)
            {
                using var update = Command(connection, transaction,
                    "UPDATE custodian_shares SET sealed_share = @s WHERE key_id = @k AND key_version = @v AND fingerprint = @f");
                Bind(update, row.KeyId, row.KeyVersion, row.Fingerprint);
                update.Parameters.AddWithValue("@s", reseal(row, row.SealedShare));
                await update.ExecuteNonQueryAsync(ct);
            }
            await database.StageAuditAsync(connection, transaction, auditEvent, ct);
            return (rows.Count, true);
        }, cancellationToken);

    /// <summary>Deletes every share of a key version (idempotent); audited. Returns how many.</summary>
    public Task<int> DeleteVersionAsync(string keyId, int keyVersion, AuditEvent auditEvent, CancellationToken cancellationToken) =>
        database.WriteAsync("deletion of a share", async (connection, transaction, ct) =>
        {
            using var delete = Command(connection, transaction, "DELETE FROM custodian_shares WHERE key_id = @k AND key_version = @v");
            delete.Parameters.AddWithValue("@k", keyId);
            delete.Parameters.AddWithValue("@v", keyVersion);
            int deleted = await delete.ExecuteNonQueryAsync(ct);
            await database.StageAuditAsync(connection, transaction, auditEvent, ct);
            return (deleted, true);
        }, cancellationToken);

    private static void Bind(SqliteCommand command, string keyId, int keyVersion, string fingerprint)
    {
        command.Parameters.AddWithValue("@k", keyId);
        command.Parameters.AddWithValue("@v", keyVersion);
        command.Parameters.AddWithValue("@f", fingerprint);
    }

    private static async Task<List<StoredShare>> ReadAsync(SqliteCommand command, CancellationToken ct)
    {
        using (command)
        {
            var rows = new List<StoredShare>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add(new StoredShare(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetInt32(3),
                    (byte[])reader.GetValue(4), (byte[])reader.GetValue(5), reader.GetString(6) == "active" ? ShareState.Active : ShareState.Pending,
                    reader.GetString(7), ReadTime(reader, 8)));
            }
            return rows;
        }
    }
}
