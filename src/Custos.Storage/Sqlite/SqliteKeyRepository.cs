using Custos.Core.Keys;
using Custos.Core.Ports;
using Microsoft.Data.Sqlite;
using static Custos.Storage.Sqlite.SqliteValues;

namespace Custos.Storage.Sqlite;

/// <summary>Keys and their versions in SQLite (tables <c>keys</c>, <c>key_versions</c>).</summary>
public sealed class SqliteKeyRepository : IKeyRepository
{
    private const string KeyColumns = """
        id, alias, purpose, custody, spec, state, state_before_destruction, destruction_date, primary_version,
        created_at, updated_at, last_rotated_at, revision, description, owner, classification, data_categories,
        allowed_jurisdictions, retention_days, rotation_period_days, tags
        """;

    private const string VersionColumns = "key_id, version, state, keystore, material, created_at, destroyed_at, evidence";

    private const string UpsertVersion = """
        INSERT INTO key_versions (key_id, version, state, keystore, material, created_at, destroyed_at, evidence)
        VALUES (@key_id, @version, @state, @keystore, @material, @created_at, @destroyed_at, @evidence)
        ON CONFLICT (key_id, version) DO UPDATE SET
            state = excluded.state, material = excluded.material, destroyed_at = excluded.destroyed_at, evidence = excluded.evidence
        """;

    private const int SqliteConstraintUnique = 2067;      // SQLITE_CONSTRAINT_UNIQUE
    private const int SqliteConstraintPrimaryKey = 1555;  // SQLITE_CONSTRAINT_PRIMARYKEY

    private readonly SqliteDatabase _database;

    /// <summary>Creates the repository over <paramref name="database"/>.</summary>
    public SqliteKeyRepository(SqliteDatabase database) => _database = database;

    /// <inheritdoc />
    public Task<ManagedKey?> GetAsync(string id, CancellationToken cancellationToken) =>
        _database.ReadAsync("read of a key", async (connection, transaction, ct) =>
            (await ReadKeysAsync(connection, transaction, "id = @value", id, 1, ct)).SingleOrDefault(), cancellationToken);

    /// <inheritdoc />
    public Task<ManagedKey?> GetByAliasAsync(string alias, CancellationToken cancellationToken) =>
        _database.ReadAsync("read of a key by alias", async (connection, transaction, ct) =>
            (await ReadKeysAsync(connection, transaction, "alias = @value", alias, 1, ct)).SingleOrDefault(), cancellationToken);

    /// <inheritdoc />
    public Task<KeyPage> ListAsync(string? afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return _database.ReadAsync("listing of keys", async (connection, transaction, ct) =>
        {
            // One more than asked tells whether there is a next page.
            var keys = await ReadKeysAsync(connection, transaction, afterId is null ? null : "id > @value", afterId,
                checked(limit + 1), ct);
            return keys.Count > limit
                ? new KeyPage(keys.GetRange(0, limit), keys[limit - 1].Id)
                : new KeyPage(keys, null);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SaveOutcome> InsertAsync(ManagedKey key, CancellationToken cancellationToken) => InsertAsync(key, null, cancellationToken);

    /// <inheritdoc />
    public Task<SaveOutcome> UpdateAsync(ManagedKey key, CancellationToken cancellationToken) => UpdateAsync(key, null, cancellationToken);

    /// <inheritdoc />
    public async Task<SaveOutcome> InsertAsync(ManagedKey key, Core.Audit.AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        var outcome = await _database.WriteAsync("insert of a key", async (connection, transaction, ct) =>
        {
            using (var exists = Command(connection, transaction, "SELECT 1 FROM keys WHERE id = @id"))
            {
                exists.Parameters.AddWithValue("@id", key.Id);
                if (await exists.ExecuteScalarAsync(ct) is not null) return (SaveOutcome.Duplicate, false);
            }
            try
            {
                using (var insert = Command(connection, transaction, $"""
                    INSERT INTO keys ({KeyColumns}, next_rotation_at)
                    VALUES (@id, @alias, @purpose, @custody, @spec, @state, @state_before_destruction, @destruction_date,
                        @primary_version, @created_at, @updated_at, @last_rotated_at, @revision, @description, @owner,
                        @classification, @data_categories, @allowed_jurisdictions, @retention_days, @rotation_period_days,
                        @tags, @next_rotation_at)
                    """))
                {
                    AddKeyParameters(insert, key, revision: 1);
                    insert.Parameters.AddWithValue("@purpose", key.Purpose.Name());
                    insert.Parameters.AddWithValue("@custody", key.Custody.Name());
                    insert.Parameters.AddWithValue("@spec", key.Spec.Name());
                    insert.Parameters.AddWithValue("@created_at", Time(key.CreatedAt));
                    await insert.ExecuteNonQueryAsync(ct);
                }
                await UpsertVersionsAsync(connection, transaction, key, ct);
            }
            catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == SqliteConstraintUnique)
            {
                return (SaveOutcome.AliasTaken, false);
            }
            catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == SqliteConstraintPrimaryKey)
            {
                return (SaveOutcome.Duplicate, false);
            }
            if (auditEvent is not null) await _database.StageAuditAsync(connection, transaction, auditEvent, ct);
            return (SaveOutcome.Saved, true);
        }, cancellationToken);
        if (outcome == SaveOutcome.Saved) key.MarkSaved(1);
        return outcome;
    }

    /// <inheritdoc />
    public async Task<SaveOutcome> UpdateAsync(ManagedKey key, Core.Audit.AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        var expected = key.Revision;
        var outcome = await _database.WriteAsync("update of a key", async (connection, transaction, ct) =>
        {
            try
            {
                using (var update = Command(connection, transaction, """
                    UPDATE keys SET alias = @alias, state = @state, state_before_destruction = @state_before_destruction,
                        destruction_date = @destruction_date, primary_version = @primary_version, updated_at = @updated_at,
                        last_rotated_at = @last_rotated_at, revision = @revision, description = @description,
                        owner = @owner, classification = @classification, data_categories = @data_categories,
                        allowed_jurisdictions = @allowed_jurisdictions, retention_days = @retention_days,
                        rotation_period_days = @rotation_period_days, tags = @tags, next_rotation_at = @next_rotation_at
                    WHERE id = @id AND revision = @expected
                    """))
                {
                    AddKeyParameters(update, key, revision: expected + 1);
                    update.Parameters.AddWithValue("@expected", expected);
                    if (await update.ExecuteNonQueryAsync(ct) == 0) return (SaveOutcome.Conflict, false);
                }
                await UpsertVersionsAsync(connection, transaction, key, ct);
            }
            catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == SqliteConstraintUnique)
            {
                return (SaveOutcome.AliasTaken, false);
            }
            if (auditEvent is not null) await _database.StageAuditAsync(connection, transaction, auditEvent, ct);
            return (SaveOutcome.Saved, true);
        }, cancellationToken);
        if (outcome == SaveOutcome.Saved) key.MarkSaved(expected + 1);
        return outcome;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListDueAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.ReadAsync<IReadOnlyList<string>>("listing of due keys", async (connection, transaction, ct) =>
        {
            using var command = Command(connection, transaction, $"""
                SELECT id FROM keys WHERE state = '{KeyState.PendingDestruction.Name()}' AND destruction_date <= @now
                UNION
                SELECT id FROM keys WHERE state = '{KeyState.Enabled.Name()}' AND next_rotation_at <= @now
                ORDER BY id
                """);
            command.Parameters.AddWithValue("@now", Time(now));
            var ids = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) ids.Add(reader.GetString(0));
            return ids;
        }, cancellationToken);

    /// <summary>The parameters an insert and an update share (every mutable column).</summary>
    private static void AddKeyParameters(SqliteCommand command, ManagedKey key, long revision)
    {
        var a = key.Attributes;
        var p = command.Parameters;
        p.AddWithValue("@id", key.Id);
        p.AddWithValue("@alias", Nullable(key.Alias));
        p.AddWithValue("@state", key.State.Name());
        p.AddWithValue("@state_before_destruction", Nullable(key.StateBeforeDestruction?.Name()));
        p.AddWithValue("@destruction_date", Time(key.DestructionDate));
        p.AddWithValue("@primary_version", key.PrimaryVersion);
        p.AddWithValue("@updated_at", Time(key.UpdatedAt));
        p.AddWithValue("@last_rotated_at", Time(key.LastRotatedAt));
        p.AddWithValue("@revision", revision);
        p.AddWithValue("@description", a.Description);
        p.AddWithValue("@owner", a.Owner);
        p.AddWithValue("@classification", a.Classification.Name());
        p.AddWithValue("@data_categories", Json(a.DataCategories));
        p.AddWithValue("@allowed_jurisdictions", Json(a.AllowedJurisdictions));
        p.AddWithValue("@retention_days", Nullable(a.RetentionDays));
        p.AddWithValue("@rotation_period_days", Nullable(a.RotationPeriodDays));
        p.AddWithValue("@tags", Json(a.Tags));
        p.AddWithValue("@next_rotation_at", Time(key.NextRotationAt));
    }

    /// <summary>Writes every version: new ones are inserted; existing ones get their state, material, evidence (both
    /// replaced by a threshold resharing) and destruction time (a destroyed version's material becomes NULL, and secure_delete zeroes the old bytes).</summary>
    private static async Task UpsertVersionsAsync(SqliteConnection connection, SqliteTransaction transaction,
        ManagedKey key, CancellationToken ct)
    {
        using var command = Command(connection, transaction, UpsertVersion);
        var keyId = command.Parameters.AddWithValue("@key_id", key.Id);
        var version = command.Parameters.Add("@version", SqliteType.Integer);
        var state = command.Parameters.Add("@state", SqliteType.Text);
        var keystore = command.Parameters.Add("@keystore", SqliteType.Text);
        var material = command.Parameters.Add("@material", SqliteType.Blob);
        var createdAt = command.Parameters.Add("@created_at", SqliteType.Text);
        var destroyedAt = command.Parameters.Add("@destroyed_at", SqliteType.Text);
        var evidence = command.Parameters.Add("@evidence", SqliteType.Text);
        foreach (var v in key.Versions)
        {
            version.Value = v.Number;
            state.Value = v.State.Name();
            keystore.Value = v.Keystore;
            material.Value = Nullable(v.Material);
            createdAt.Value = Time(v.CreatedAt);
            destroyedAt.Value = Time(v.DestroyedAt);
            evidence.Value = v.Evidence is null ? DBNull.Value : Json(v.Evidence);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Up to <paramref name="limit"/> keys matching <paramref name="where"/> (or all), in id order, with their versions.</summary>
    private static async Task<List<ManagedKey>> ReadKeysAsync(SqliteConnection connection, SqliteTransaction transaction,
        string? where, string? value, int limit, CancellationToken ct)
    {
        var rows = new List<KeyRow>();
        using (var command = Command(connection, transaction,
            $"SELECT {KeyColumns} FROM keys {(where is null ? "" : "WHERE " + where)} ORDER BY id LIMIT @limit"))
        {
            command.Parameters.AddWithValue("@value", Nullable(value));
            command.Parameters.AddWithValue("@limit", limit);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) rows.Add(KeyRow.Read(reader));
        }
        if (rows.Count == 0) return [];

        // The versions of exactly those keys: their ids form a contiguous range in id order.
        var versions = rows.ToDictionary(r => r.Id, _ => new List<KeyVersion>(), StringComparer.Ordinal);
        using (var command = Command(connection, transaction, $"""
            SELECT {VersionColumns} FROM key_versions WHERE key_id >= @first AND key_id <= @last ORDER BY key_id, version
            """))
        {
            command.Parameters.AddWithValue("@first", rows[0].Id);
            command.Parameters.AddWithValue("@last", rows[^1].Id);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                versions[reader.GetString(0)].Add(new KeyVersion(
                    reader.GetInt32(1),
                    ReadEnum<KeyVersionState>(reader, 2),
                    reader.GetString(3),
                    ReadNullableBlob(reader, 4),
                    ReadTime(reader, 5),
                    ReadNullableTime(reader, 6),
                    reader.IsDBNull(7) ? null : ReadMap(reader, 7)));
            }
        }
        return [.. rows.Select(r => r.ToKey(versions[r.Id]))];
    }

    /// <summary>One row of <c>keys</c>, read in <see cref="KeyColumns"/> order.</summary>
    private sealed record KeyRow(
        string Id, string? Alias, KeyPurpose Purpose, KeyCustody Custody, KeySpec Spec, KeyState State,
        KeyState? StateBeforeDestruction, DateTimeOffset? DestructionDate, int PrimaryVersion, DateTimeOffset CreatedAt,
        DateTimeOffset UpdatedAt, DateTimeOffset LastRotatedAt, long Revision, KeyAttributes Attributes)
    {
        public static KeyRow Read(SqliteDataReader r) => new(
            r.GetString(0),
            r.IsDBNull(1) ? null : r.GetString(1),
            ReadEnum<KeyPurpose>(r, 2),
            ReadEnum<KeyCustody>(r, 3),
            ReadEnum<KeySpec>(r, 4),
            ReadEnum<KeyState>(r, 5),
            ReadNullableEnum<KeyState>(r, 6),
            ReadNullableTime(r, 7),
            r.GetInt32(8),
            ReadTime(r, 9),
            ReadTime(r, 10),
            ReadTime(r, 11),
            r.GetInt64(12),
            new KeyAttributes
            {
                Description = r.GetString(13),
                Owner = r.GetString(14),
                Classification = ReadEnum<Classification>(r, 15),
                DataCategories = ReadList(r, 16),
                AllowedJurisdictions = ReadList(r, 17),
                RetentionDays = ReadNullableInt(r, 18),
                RotationPeriodDays = ReadNullableInt(r, 19),
                Tags = ReadMap(r, 20),
            });

        public ManagedKey ToKey(IEnumerable<KeyVersion> versions) => new(
            Id, Alias, Purpose, Custody, Spec, Attributes, State, StateBeforeDestruction, DestructionDate,
            PrimaryVersion, CreatedAt, UpdatedAt, LastRotatedAt, Revision, versions);
    }
}
