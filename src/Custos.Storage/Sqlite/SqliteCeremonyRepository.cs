using Custos.Core.Access;
using Custos.Core.Audit;
using Custos.Core.Ports;
using Custos.Core.Seal;
using static Custos.Storage.Sqlite.SqliteValues;

namespace Custos.Storage.Sqlite;

/// <summary>Key ceremonies in SQLite (tables <c>ceremonies</c> and <c>ceremony_operators</c>).</summary>
public sealed class SqliteCeremonyRepository : ICeremonyRepository
{
    private readonly SqliteDatabase _database;

    /// <summary>Creates the repository over <paramref name="database"/>.</summary>
    public SqliteCeremonyRepository(SqliteDatabase database) => _database = database;

    /// <inheritdoc />
    public Task<Ceremony?> GetAsync(string id, CancellationToken cancellationToken) =>
        _database.ReadAsync("read of a ceremony", (connection, transaction, ct) => CeremonyRows.ReadAsync(connection, transaction, id, ct), cancellationToken);

    /// <inheritdoc />
    public Task<bool> ConfirmAsync(CeremonyConfirmation confirmation, AccessToken? rootToken, AuditEvent? auditEvent, CancellationToken cancellationToken) =>
        _database.WriteAsync("confirmation of a ceremony", async (connection, transaction, ct) =>
        {
            using (var check = connection.CreateCommand())
            {
                check.Transaction = transaction;
                check.CommandText = """
                    SELECT c.status = 'pending'
                       AND (SELECT COUNT(*) FROM ceremony_operators o WHERE o.ceremony_id = c.id AND o.signature IS NOT NULL) = @before
                       AND EXISTS (SELECT 1 FROM ceremony_operators o WHERE o.ceremony_id = c.id AND o.name = @name AND o.signature IS NULL)
                    FROM ceremonies c WHERE c.id = @id
                    """;
                check.Parameters.AddWithValue("@id", confirmation.CeremonyId);
                check.Parameters.AddWithValue("@name", confirmation.Operator);
                check.Parameters.AddWithValue("@before", confirmation.ConfirmationsBefore);
                if (await check.ExecuteScalarAsync(ct) is not long ok || ok != 1) return (false, false);
            }
            using (var sign = connection.CreateCommand())
            {
                sign.Transaction = transaction;
                sign.CommandText = """
                    UPDATE ceremony_operators SET signature = @signature, confirmed_at = @at
                    WHERE ceremony_id = @id AND name = @name AND signature IS NULL
                    """;
                sign.Parameters.AddWithValue("@id", confirmation.CeremonyId);
                sign.Parameters.AddWithValue("@name", confirmation.Operator);
                sign.Parameters.Add("@signature", Microsoft.Data.Sqlite.SqliteType.Blob).Value = confirmation.Signature;
                sign.Parameters.AddWithValue("@at", Time(confirmation.At));
                if (await sign.ExecuteNonQueryAsync(ct) != 1) return (false, false);
            }
            if (confirmation.Completes)
            {
                using var complete = connection.CreateCommand();
                complete.Transaction = transaction;
                complete.CommandText = "UPDATE ceremonies SET status = 'complete', completed_at = @at WHERE id = @id AND status = 'pending'";
                complete.Parameters.AddWithValue("@id", confirmation.CeremonyId);
                complete.Parameters.AddWithValue("@at", Time(confirmation.At));
                if (await complete.ExecuteNonQueryAsync(ct) != 1) return (false, false);
                if (rootToken is not null) await TokenRows.InsertAsync(connection, transaction, rootToken, ct);
            }
            if (auditEvent is not null) await _database.StageAuditAsync(connection, transaction, auditEvent, ct);
            return (true, true);
        }, cancellationToken);
}
