using System.Text;
using Custos.Core.Errors;
using Custos.Core.Ports;
using Custos.Core.Residency;
using Microsoft.Data.Sqlite;
using static Custos.Storage.Sqlite.SqliteValues;

namespace Custos.Storage.Sqlite;

/// <summary>The legal register in SQLite (table <c>providers</c>).</summary>
public sealed class SqliteProviderRepository(SqliteDatabase database) : IProviderRepository
{
    private const string Columns = "id, document, updated_at, updated_by";

    /// <inheritdoc />
    public Task<IReadOnlyList<RegisteredProvider>> ListAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<RegisteredProvider>>("listing of the legal register", async (connection, transaction, ct) =>
            await ReadAsync(Command(connection, transaction, $"SELECT {Columns} FROM providers ORDER BY id"), ct), cancellationToken);

    /// <inheritdoc />
    public Task<RegisteredProvider?> GetAsync(string id, CancellationToken cancellationToken) =>
        database.ReadAsync("read of a register entry", async (connection, transaction, ct) =>
        {
            var command = Command(connection, transaction, $"SELECT {Columns} FROM providers WHERE id = @id");
            command.Parameters.AddWithValue("@id", id);
            return (await ReadAsync(command, ct)).SingleOrDefault();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> PutAsync(Provider provider, string updatedBy, DateTimeOffset at, Core.Audit.AuditEvent? auditEvent, CancellationToken cancellationToken) =>
        database.WriteAsync("write of a register entry", async (connection, transaction, ct) =>
        {
            bool existed;
            using (var exists = Command(connection, transaction, "SELECT 1 FROM providers WHERE id = @id"))
            {
                exists.Parameters.AddWithValue("@id", provider.Id);
                existed = await exists.ExecuteScalarAsync(ct) is not null;
            }
            using var upsert = Command(connection, transaction, $"""
                INSERT INTO providers ({Columns}) VALUES (@id, @document, @updated_at, @updated_by)
                ON CONFLICT (id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """);
            upsert.Parameters.AddWithValue("@id", provider.Id);
            upsert.Parameters.AddWithValue("@document", Encoding.UTF8.GetString(provider.ToCanonicalJson()));
            upsert.Parameters.AddWithValue("@updated_at", Time(at));
            upsert.Parameters.AddWithValue("@updated_by", updatedBy);
            await upsert.ExecuteNonQueryAsync(ct);
            if (auditEvent is not null) await database.StageAuditAsync(connection, transaction, auditEvent, ct);
            return (!existed, true);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string id, Core.Audit.AuditEvent? auditEvent, CancellationToken cancellationToken) =>
        database.WriteAsync("deletion of a register entry", async (connection, transaction, ct) =>
        {
            using var delete = Command(connection, transaction, "DELETE FROM providers WHERE id = @id");
            delete.Parameters.AddWithValue("@id", id);
            var deleted = await delete.ExecuteNonQueryAsync(ct) == 1;
            if (deleted && auditEvent is not null) await database.StageAuditAsync(connection, transaction, auditEvent, ct);
            return (deleted, deleted); // nothing is committed when there was nothing to delete
        }, cancellationToken);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static async Task<List<RegisteredProvider>> ReadAsync(SqliteCommand command, CancellationToken ct)
    {
        using (command)
        {
            var entries = new List<RegisteredProvider>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var parsed = Provider.Parse(Encoding.UTF8.GetBytes(reader.GetString(1)));
                if (!parsed.IsSuccess) throw Error.Invariant($"stored register entry '{reader.GetString(0)}' no longer parses: {parsed.Error.Message}");
                entries.Add(new RegisteredProvider(parsed.Value, ReadTime(reader, 2), reader.GetString(3)));
            }
            return entries;
        }
    }
}
