using Custos.Core.Access;
using Custos.Core.Access.Policy;
using Custos.Core.Approvals;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Ports;
using Microsoft.Data.Sqlite;
using static Custos.Storage.Sqlite.SqliteValues;

namespace Custos.Storage.Sqlite;

/// <summary>
/// Approval requests, their signed decisions and grants in SQLite (tables <c>approval_requests</c>,
/// <c>approval_decisions</c>, <c>grants</c>). Each write is one transaction with its audit events; the
/// conditional steps are single conditional statements (a unique index, a primary key, <c>UPDATE ... WHERE</c>),
/// so they also hold with several writers.
/// </summary>
public sealed class SqliteApprovalRepository(SqliteDatabase database) : IApprovalRepository
{
    private const string RequestColumns = "id, subject_sha256, requester_id, requester_name, requester_roles, requester_groups, requester_address, "
        + "justification, operation, key_id, context_sha256, parameters, policy_version, rule_id, required, approver_group, grant_minutes, grant_uses, "
        + "created_at, expires_at, status, decided_at, grant_id, outcome";
    private const string DecisionColumns = "request_id, approver_id, approver_name, decision, reason, public_key, signature, decided_at";
    private const string GrantColumns = "id, approval_id, principal_id, operation, key_id, context_sha256, approved_by, created_at, expires_at, uses, uses_left, revoked_at, revoked_by";

    /// <inheritdoc />
    public Task<ApprovalRequest> GetOrCreatePendingAsync(ApprovalRequest candidate, DateTimeOffset now, AuditEvent? createdEvent, CancellationToken cancellationToken) =>
        database.WriteAsync("opening of an approval request", async (connection, transaction, ct) =>
        {
            using (var expire = Command(connection, transaction,
                "UPDATE approval_requests SET status = 'expired' WHERE subject_sha256 = @subject AND status = 'pending' AND expires_at <= @now"))
            {
                expire.Parameters.Add("@subject", SqliteType.Blob).Value = candidate.SubjectSha256;
                expire.Parameters.AddWithValue("@now", Time(now));
                await expire.ExecuteNonQueryAsync(ct);
            }
            using (var find = Command(connection, transaction, $"SELECT {RequestColumns} FROM approval_requests WHERE subject_sha256 = @subject AND status = 'pending'"))
            {
                find.Parameters.Add("@subject", SqliteType.Blob).Value = candidate.SubjectSha256;
                if ((await ReadRequestsAsync(connection, transaction, find, ct)).SingleOrDefault() is { } existing) return (existing, true);
            }
            await InsertRequestAsync(connection, transaction, candidate, ct);
            if (createdEvent is not null) await database.StageAuditAsync(connection, transaction, createdEvent, ct);
            return (candidate, true);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<ApprovalRequest?> GetAsync(string id, CancellationToken cancellationToken) =>
        database.ReadAsync("read of an approval request", async (connection, transaction, ct) =>
            (await ReadRequestAsync(connection, transaction, id, ct)), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ApprovalRequest>> ListAsync(string? requesterId, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ApprovalRequest>>("listing of approval requests", async (connection, transaction, ct) =>
        {
            using var command = Command(connection, transaction, $"""
                SELECT {RequestColumns} FROM approval_requests
                WHERE (@requester IS NULL OR requester_id = @requester)
                ORDER BY created_at DESC, id DESC LIMIT @limit
                """);
            command.Parameters.AddWithValue("@requester", Nullable(requesterId));
            command.Parameters.AddWithValue("@limit", limit);
            return await ReadRequestsAsync(connection, transaction, command, ct);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<(DecisionOutcome Outcome, ApprovalRequest? Request)> AddDecisionAsync(string requestId, ApprovalDecision decision, DateTimeOffset now,
        Grant? grant, AuditEvent? decisionEvent, AuditEvent? grantEvent, CancellationToken cancellationToken) =>
        database.WriteAsync<(DecisionOutcome, ApprovalRequest?)>("decision on an approval request", async (connection, transaction, ct) =>
        {
            var request = await ReadRequestAsync(connection, transaction, requestId, ct);
            if (request is null) return ((DecisionOutcome.NotPending, null), false);
            if (request.Decisions.Any(d => d.ApproverId == decision.ApproverId)) return ((DecisionOutcome.AlreadyDecided, request), false);
            if (request.StatusAt(now) != ApprovalStatus.Pending) return ((DecisionOutcome.NotPending, request), false);
            using (var insert = Command(connection, transaction, $"""
                INSERT INTO approval_decisions ({DecisionColumns})
                VALUES (@request, @approver, @name, @decision, @reason, @public_key, @signature, @at)
                ON CONFLICT (request_id, approver_id) DO NOTHING
                """))
            {
                insert.Parameters.AddWithValue("@request", requestId);
                insert.Parameters.AddWithValue("@approver", decision.ApproverId);
                insert.Parameters.AddWithValue("@name", decision.ApproverName);
                insert.Parameters.AddWithValue("@decision", decision.Verdict.Name());
                insert.Parameters.AddWithValue("@reason", Nullable(decision.Reason));
                insert.Parameters.Add("@public_key", SqliteType.Blob).Value = decision.PublicKey;
                insert.Parameters.Add("@signature", SqliteType.Blob).Value = decision.Signature;
                insert.Parameters.AddWithValue("@at", Time(decision.At));
                if (await insert.ExecuteNonQueryAsync(ct) != 1) return ((DecisionOutcome.AlreadyDecided, request), false);
            }
            if (decisionEvent is not null) await database.StageAuditAsync(connection, transaction, decisionEvent, ct);
            var approvers = request.Decisions.Append(decision).Where(d => d.Verdict == ApprovalVerdict.Approve).Select(d => d.ApproverId).ToList();
            var outcome = decision.Verdict == ApprovalVerdict.Deny ? DecisionOutcome.Denied
                : approvers.Count >= request.Requirement.Count ? DecisionOutcome.Approved : DecisionOutcome.Recorded;
            if (outcome != DecisionOutcome.Recorded)
            {
                var storeGrant = outcome == DecisionOutcome.Approved ? grant : null;
                using var decide = Command(connection, transaction,
                    "UPDATE approval_requests SET status = @status, decided_at = @at, grant_id = @grant WHERE id = @id AND status = 'pending'");
                decide.Parameters.AddWithValue("@status", outcome == DecisionOutcome.Denied ? "denied" : "approved");
                decide.Parameters.AddWithValue("@at", Time(now));
                decide.Parameters.AddWithValue("@grant", Nullable(storeGrant?.Id));
                decide.Parameters.AddWithValue("@id", requestId);
                if (await decide.ExecuteNonQueryAsync(ct) != 1) return ((DecisionOutcome.NotPending, request), false);
                if (storeGrant is not null)
                {
                    await InsertGrantAsync(connection, transaction, storeGrant with { ApprovedBy = approvers }, ct);
                    if (grantEvent is not null) await database.StageAuditAsync(connection, transaction, grantEvent, ct);
                }
            }
            return ((outcome, await ReadRequestAsync(connection, transaction, requestId, ct)), true);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<ApprovalRequest?> TryExecuteAsync(byte[] subjectSha256, DateTimeOffset now, Func<ApprovalRequest, AuditEvent?> executedEvent, CancellationToken cancellationToken) =>
        database.WriteAsync("execution of an approved request", async (connection, transaction, ct) =>
        {
            using var find = Command(connection, transaction, $"""
                SELECT {RequestColumns} FROM approval_requests
                WHERE subject_sha256 = @subject AND status = 'approved' AND expires_at > @now ORDER BY created_at LIMIT 1
                """);
            find.Parameters.Add("@subject", SqliteType.Blob).Value = subjectSha256;
            find.Parameters.AddWithValue("@now", Time(now));
            if ((await ReadRequestsAsync(connection, transaction, find, ct)).SingleOrDefault() is not { } approved) return ((ApprovalRequest?)null, false);
            using var execute = Command(connection, transaction, "UPDATE approval_requests SET status = 'executed' WHERE id = @id AND status = 'approved'");
            execute.Parameters.AddWithValue("@id", approved.Id);
            if (await execute.ExecuteNonQueryAsync(ct) != 1) return (null, false);
            if (executedEvent(approved) is { } auditEvent) await database.StageAuditAsync(connection, transaction, auditEvent, ct);
            return (approved with { Status = ApprovalStatus.Executed }, true);
        }, cancellationToken);

    /// <inheritdoc />
    public Task SetOutcomeAsync(string requestId, string outcome, CancellationToken cancellationToken) =>
        database.WriteAsync("note of an approval's outcome", async (connection, transaction, ct) =>
        {
            using var command = Command(connection, transaction, "UPDATE approval_requests SET outcome = @outcome WHERE id = @id");
            command.Parameters.AddWithValue("@outcome", outcome.Length <= 1000 ? outcome : outcome[..1000]);
            command.Parameters.AddWithValue("@id", requestId);
            await command.ExecuteNonQueryAsync(ct);
            return (true, true);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<Grant?> TryUseGrantAsync(GrantScope scope, DateTimeOffset now, Func<Grant, AuditEvent?> usedEvent, CancellationToken cancellationToken) =>
        database.WriteAsync("use of a grant", async (connection, transaction, ct) =>
        {
            using var find = Command(connection, transaction, $"""
                SELECT {GrantColumns} FROM grants
                WHERE principal_id = @principal AND operation = @operation AND key_id IS @key AND context_sha256 = @context
                  AND revoked_at IS NULL AND uses_left > 0 AND expires_at > @now
                ORDER BY expires_at LIMIT 1
                """);
            find.Parameters.AddWithValue("@principal", scope.PrincipalId);
            find.Parameters.AddWithValue("@operation", scope.Operation.Name());
            find.Parameters.AddWithValue("@key", Nullable(scope.KeyId));
            find.Parameters.AddWithValue("@context", scope.ContextSha256);
            find.Parameters.AddWithValue("@now", Time(now));
            if ((await ReadGrantsAsync(find, ct)).SingleOrDefault() is not { } grant) return ((Grant?)null, false);
            // The conditions again in the UPDATE: the use is taken only while the grant is still live.
            using var use = Command(connection, transaction,
                "UPDATE grants SET uses_left = uses_left - 1 WHERE id = @id AND revoked_at IS NULL AND uses_left > 0 AND expires_at > @now");
            use.Parameters.AddWithValue("@id", grant.Id);
            use.Parameters.AddWithValue("@now", Time(now));
            if (await use.ExecuteNonQueryAsync(ct) != 1) return (null, false);
            if (usedEvent(grant) is { } auditEvent) await database.StageAuditAsync(connection, transaction, auditEvent, ct);
            return (grant with { UsesLeft = grant.UsesLeft - 1 }, true);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<Grant?> GetGrantAsync(string id, CancellationToken cancellationToken) =>
        database.ReadAsync("read of a grant", async (connection, transaction, ct) =>
        {
            using var command = Command(connection, transaction, $"SELECT {GrantColumns} FROM grants WHERE id = @id");
            command.Parameters.AddWithValue("@id", id);
            return (await ReadGrantsAsync(command, ct)).SingleOrDefault();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Grant>> ListGrantsAsync(int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<Grant>>("listing of grants", async (connection, transaction, ct) =>
        {
            using var command = Command(connection, transaction, $"SELECT {GrantColumns} FROM grants ORDER BY created_at DESC, id DESC LIMIT @limit");
            command.Parameters.AddWithValue("@limit", limit);
            return await ReadGrantsAsync(command, ct);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RevokeGrantAsync(string id, string revokedBy, DateTimeOffset at, AuditEvent? auditEvent, CancellationToken cancellationToken) =>
        database.WriteAsync("revocation of a grant", async (connection, transaction, ct) =>
        {
            using var command = Command(connection, transaction, "UPDATE grants SET revoked_at = @at, revoked_by = @by WHERE id = @id AND revoked_at IS NULL");
            command.Parameters.AddWithValue("@at", Time(at));
            command.Parameters.AddWithValue("@by", revokedBy);
            command.Parameters.AddWithValue("@id", id);
            var revoked = await command.ExecuteNonQueryAsync(ct) == 1;
            if (revoked && auditEvent is not null) await database.StageAuditAsync(connection, transaction, auditEvent, ct);
            return (revoked, revoked);
        }, cancellationToken);

    private static async Task InsertRequestAsync(SqliteConnection connection, SqliteTransaction transaction, ApprovalRequest r, CancellationToken ct)
    {
        using var insert = Command(connection, transaction, $"""
            INSERT INTO approval_requests ({RequestColumns})
            VALUES (@id, @subject, @requester_id, @requester_name, @roles, @groups, @address, @justification, @operation, @key, @context, @parameters,
                    @policy_version, @rule, @required, @group, @grant_minutes, @grant_uses, @created, @expires, 'pending', NULL, NULL, NULL)
            """);
        var p = insert.Parameters;
        p.AddWithValue("@id", r.Id);
        p.Add("@subject", SqliteType.Blob).Value = r.SubjectSha256;
        p.AddWithValue("@requester_id", r.Requester.Id);
        p.AddWithValue("@requester_name", r.Requester.Name);
        p.AddWithValue("@roles", Json(r.Requester.Roles));
        p.AddWithValue("@groups", Json(r.Requester.Groups));
        p.AddWithValue("@address", Nullable(r.Requester.ClientAddress));
        p.AddWithValue("@justification", Nullable(r.Requester.Justification));
        p.AddWithValue("@operation", r.Operation.Name());
        p.AddWithValue("@key", Nullable(r.KeyId));
        p.AddWithValue("@context", Nullable(r.ContextSha256));
        p.AddWithValue("@parameters", Nullable(r.Parameters));
        p.AddWithValue("@policy_version", r.PolicyVersion);
        p.AddWithValue("@rule", r.RuleId);
        p.AddWithValue("@required", r.Requirement.Count);
        p.AddWithValue("@group", Nullable(r.Requirement.Group));
        p.AddWithValue("@grant_minutes", r.Requirement.GrantMinutes);
        p.AddWithValue("@grant_uses", r.Requirement.GrantUses);
        p.AddWithValue("@created", Time(r.CreatedAt));
        p.AddWithValue("@expires", Time(r.ExpiresAt));
        await insert.ExecuteNonQueryAsync(ct);
    }

    private static async Task InsertGrantAsync(SqliteConnection connection, SqliteTransaction transaction, Grant g, CancellationToken ct)
    {
        using var insert = Command(connection, transaction, $"""
            INSERT INTO grants ({GrantColumns})
            VALUES (@id, @approval, @principal, @operation, @key, @context, @approved_by, @created, @expires, @uses, @uses_left, NULL, NULL)
            """);
        var p = insert.Parameters;
        p.AddWithValue("@id", g.Id);
        p.AddWithValue("@approval", g.ApprovalId);
        p.AddWithValue("@principal", g.PrincipalId);
        p.AddWithValue("@operation", g.Operation.Name());
        p.AddWithValue("@key", Nullable(g.KeyId));
        p.AddWithValue("@context", g.ContextSha256);
        p.AddWithValue("@approved_by", Json(g.ApprovedBy));
        p.AddWithValue("@created", Time(g.CreatedAt));
        p.AddWithValue("@expires", Time(g.ExpiresAt));
        p.AddWithValue("@uses", g.Uses);
        p.AddWithValue("@uses_left", g.UsesLeft);
        await insert.ExecuteNonQueryAsync(ct);
    }

    private static async Task<ApprovalRequest?> ReadRequestAsync(SqliteConnection connection, SqliteTransaction transaction, string id, CancellationToken ct)
    {
        using var command = Command(connection, transaction, $"SELECT {RequestColumns} FROM approval_requests WHERE id = @id");
        command.Parameters.AddWithValue("@id", id);
        return (await ReadRequestsAsync(connection, transaction, command, ct)).SingleOrDefault();
    }

    /// <summary>The requests <paramref name="command"/> selects, each with its decisions.</summary>
    private static async Task<List<ApprovalRequest>> ReadRequestsAsync(SqliteConnection connection, SqliteTransaction transaction, SqliteCommand command, CancellationToken ct)
    {
        var requests = new List<ApprovalRequest>();
        await using (var r = await command.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                requests.Add(new ApprovalRequest
                {
                    Id = r.GetString(0),
                    SubjectSha256 = (byte[])r.GetValue(1),
                    Requester = new ApprovalRequester(r.GetString(2), r.GetString(3), ReadList(r, 4), ReadList(r, 5),
                        r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7)),
                    Operation = ReadOperation(r.GetString(8)),
                    KeyId = r.IsDBNull(9) ? null : r.GetString(9),
                    ContextSha256 = r.IsDBNull(10) ? null : r.GetString(10),
                    Parameters = r.IsDBNull(11) ? null : r.GetString(11),
                    PolicyVersion = r.GetInt32(12),
                    RuleId = r.GetString(13),
                    Requirement = new ApprovalRequirement
                    {
                        Count = r.GetInt32(14), Group = r.IsDBNull(15) ? null : r.GetString(15), GrantMinutes = r.GetInt32(16), GrantUses = r.GetInt32(17),
                    },
                    CreatedAt = ReadTime(r, 18),
                    ExpiresAt = ReadTime(r, 19),
                    Status = ApprovalNames.ParseStatus(r.GetString(20)) ?? throw Error.Unavailable("database holds an unknown approval status"),
                    DecidedAt = ReadNullableTime(r, 21),
                    GrantId = r.IsDBNull(22) ? null : r.GetString(22),
                    Outcome = r.IsDBNull(23) ? null : r.GetString(23),
                });
            }
        }
        for (int i = 0; i < requests.Count; i++)
        {
            using var decisions = Command(connection, transaction, $"SELECT {DecisionColumns} FROM approval_decisions WHERE request_id = @id ORDER BY decided_at, approver_id");
            decisions.Parameters.AddWithValue("@id", requests[i].Id);
            var list = new List<ApprovalDecision>();
            await using var d = await decisions.ExecuteReaderAsync(ct);
            while (await d.ReadAsync(ct))
            {
                list.Add(new ApprovalDecision(d.GetString(1), d.GetString(2), d.GetString(3) == "deny" ? ApprovalVerdict.Deny : ApprovalVerdict.Approve,
                    d.IsDBNull(4) ? null : d.GetString(4), (byte[])d.GetValue(5), (byte[])d.GetValue(6), ReadTime(d, 7)));
            }
            requests[i] = requests[i] with { Decisions = list };
        }
        return requests;
    }

    private static async Task<List<Grant>> ReadGrantsAsync(SqliteCommand command, CancellationToken ct)
    {
        var grants = new List<Grant>();
        await using var r = await command.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            grants.Add(new Grant(r.GetString(0), r.GetString(1), r.GetString(2), ReadOperation(r.GetString(3)), r.IsDBNull(4) ? null : r.GetString(4),
                r.GetString(5), ReadList(r, 6), ReadTime(r, 7), ReadTime(r, 8), r.GetInt32(9), r.GetInt32(10), ReadNullableTime(r, 11),
                r.IsDBNull(12) ? null : r.GetString(12)));
        }
        return grants;
    }

    private static Operation ReadOperation(string name) =>
        Operations.Parse(name) is [var operation] ? operation : throw Error.Unavailable("database holds an unknown operation");
}
