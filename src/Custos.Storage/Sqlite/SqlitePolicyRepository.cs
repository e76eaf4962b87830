using System.Security.Cryptography;
using System.Text;
using Custos.Core.Access.Policy;
using Custos.Core.Errors;
using Custos.Core.Ports;
using Microsoft.Data.Sqlite;
using static Custos.Storage.Sqlite.SqliteValues;

namespace Custos.Storage.Sqlite;

/// <summary>The versioned access policy in SQLite (table <c>policies</c>).</summary>
public sealed class SqlitePolicyRepository(SqliteDatabase database) : IPolicyRepository
{
    private const string Columns = "version, document, sha256, author, comment, created_at, status, decided_by, decided_at";

    /// <inheritdoc />
    public Task<PolicyVersion?> GetActiveAsync(CancellationToken cancellationToken) =>
        database.ReadAsync("read of the active policy", async (connection, transaction, ct) =>
            (await ReadAsync(Command(connection, transaction, $"SELECT {Columns} FROM policies WHERE status = 'active'"), ct)).SingleOrDefault(),
            cancellationToken);

    /// <inheritdoc />
    public Task<PolicyVersion?> GetAsync(int version, CancellationToken cancellationToken) =>
        database.ReadAsync("read of a policy version", async (connection, transaction, ct) =>
        {
            var command = Command(connection, transaction, $"SELECT {Columns} FROM policies WHERE version = @version");
            command.Parameters.AddWithValue("@version", version);
            return (await ReadAsync(command, ct)).SingleOrDefault();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<PolicyVersion>> ListAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<PolicyVersion>>("listing of policy versions", async (connection, transaction, ct) =>
            await ReadAsync(Command(connection, transaction, $"SELECT {Columns} FROM policies ORDER BY version DESC"), ct),
            cancellationToken);

    /// <inheritdoc />
    public Task<PolicyVersion> ProposeAsync(PolicyDocument document, string author, string comment, DateTimeOffset at,
        Core.Audit.AuditEvent? auditEvent, CancellationToken cancellationToken) =>
        database.WriteAsync("proposal of a policy version", async (connection, transaction, ct) =>
        {
            using var next = Command(connection, transaction, "SELECT COALESCE(MAX(version), 0) + 1 FROM policies");
            var version = Convert.ToInt32(await next.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            var json = document.ToCanonicalJson();
            var sha = SHA256.HashData(json);
            using var insert = Command(connection, transaction, $"""
                INSERT INTO policies ({Columns})
                VALUES (@version, @document, @sha256, @author, @comment, @created_at, 'pending', NULL, NULL)
                """);
            insert.Parameters.AddWithValue("@version", version);
            insert.Parameters.AddWithValue("@document", Encoding.UTF8.GetString(json));
            insert.Parameters.Add("@sha256", SqliteType.Blob).Value = sha;
            insert.Parameters.AddWithValue("@author", author);
            insert.Parameters.AddWithValue("@comment", comment);
            insert.Parameters.AddWithValue("@created_at", Time(at));
            await insert.ExecuteNonQueryAsync(ct);
            if (auditEvent is not null) await database.StageAuditAsync(connection, transaction, auditEvent, ct);
            return (new PolicyVersion(version, document, sha, author, comment, at, PolicyStatus.Pending, null, null), true);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> DecideAsync(int version, bool approve, string decidedBy, DateTimeOffset at, Core.Audit.AuditEvent? auditEvent,
        CancellationToken cancellationToken) =>
        database.WriteAsync("decision on a policy version", async (connection, transaction, ct) =>
        {
            if (approve)
            {
                using var supersede = Command(connection, transaction, "UPDATE policies SET status = 'superseded' WHERE status = 'active'");
                await supersede.ExecuteNonQueryAsync(ct);
            }
            using var decide = Command(connection, transaction,
                "UPDATE policies SET status = @status, decided_by = @by, decided_at = @at WHERE version = @version AND status = 'pending'");
            decide.Parameters.AddWithValue("@status", approve ? "active" : "rejected");
            decide.Parameters.AddWithValue("@by", decidedBy);
            decide.Parameters.AddWithValue("@at", Time(at));
            decide.Parameters.AddWithValue("@version", version);
            var decided = await decide.ExecuteNonQueryAsync(ct) == 1;
            if (decided && auditEvent is not null) await database.StageAuditAsync(connection, transaction, auditEvent, ct);
            return (decided, decided); // nothing is committed when it was no longer pending
        }, cancellationToken);

    private static async Task<List<PolicyVersion>> ReadAsync(SqliteCommand command, CancellationToken ct)
    {
        using (command)
        {
            var versions = new List<PolicyVersion>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var parsed = PolicyDocument.Parse(Encoding.UTF8.GetBytes(reader.GetString(1)));
                if (!parsed.IsSuccess) throw Error.Invariant($"stored policy version {reader.GetInt32(0)} no longer parses: {parsed.Error.Message}");
                versions.Add(new PolicyVersion(reader.GetInt32(0), parsed.Value, (byte[])reader.GetValue(2), reader.GetString(3), reader.GetString(4),
                    ReadTime(reader, 5), Enum.Parse<PolicyStatus>(reader.GetString(6), ignoreCase: true), reader.IsDBNull(7) ? null : reader.GetString(7),
                    ReadNullableTime(reader, 8)));
            }
            return versions;
        }
    }
}
