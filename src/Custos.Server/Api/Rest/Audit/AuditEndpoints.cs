using Custos.Core.Audit;
using Custos.Core.Service;

namespace Custos.Server.Api.Rest.Audit;

/// <summary>
/// GET /v1/audit/checkpoint, /v1/audit/checkpoints, /v1/audit/events, /v1/audit/events/{index}/proof,
/// /v1/audit/consistency and POST /v1/audit/cosignatures — the audit log, its signed checkpoints and
/// proofs, for auditors and witnesses (scope <c>audit</c>). Thin translators over <see cref="AuditService"/>.
/// </summary>
public static class AuditEndpoints
{
    /// <summary>The latest checkpoint.</summary>
    public sealed record CheckpointResponse(string Note, long TreeSize, byte[] RootHash, string Origin, string VerifierKey);
    /// <summary>A stored checkpoint.</summary>
    public sealed record CheckpointItem(long TreeSize, string Note);
    /// <summary>A page of checkpoints.</summary>
    public sealed record CheckpointsResponse(IReadOnlyList<CheckpointItem> Checkpoints, long? Next);
    /// <summary>One event: index, leaf hash, exact leaf data, and the parsed event.</summary>
    public sealed record EventItem(long Index, byte[] LeafHash, byte[] Data, AuditEvent? Event);
    /// <summary>A page of events.</summary>
    public sealed record EventsResponse(IReadOnlyList<EventItem> Events, long? Next);
    /// <summary>An inclusion proof.</summary>
    public sealed record ProofResponse(long Index, long TreeSize, byte[] LeafHash, IReadOnlyList<byte[]> Proof);
    /// <summary>A consistency proof.</summary>
    public sealed record ConsistencyResponse(long From, long To, IReadOnlyList<byte[]> Proof);
    /// <summary>A checkpoint note carrying a witness's cosignature.</summary>
    public sealed record CosignatureRequest(string? Note = null);

    /// <summary>Maps the routes.</summary>
    public static void Map(RouteGroupBuilder audit)
    {
        audit.MapGet("/checkpoint", async (HttpContext http, AuditService s, CancellationToken ct) =>
            (await s.GetCheckpointAsync(http.Principal(), ct)).ToHttp(v =>
                new CheckpointResponse(v.Checkpoint.Note, v.Checkpoint.TreeSize, v.RootHash, v.Origin, v.VerifierKey)))
            .WithSummary("The latest signed checkpoint (C2SP signed note) and the log's verifier key").Produces<CheckpointResponse>();

        audit.MapGet("/checkpoints", async (HttpContext http, AuditService s, CancellationToken ct, long? after = null, int? limit = null) =>
        {
            int n = Math.Clamp(limit ?? 100, 1, 1000);
            return (await s.ListCheckpointsAsync(http.Principal(), after ?? -1, n + 1, ct)).ToHttp(list =>
                new CheckpointsResponse(list.Take(n).Select(c => new CheckpointItem(c.TreeSize, c.Note)).ToList(), list.Count > n ? list[n - 1].TreeSize : null));
        }).WithSummary("Every stored checkpoint, in increasing size").Produces<CheckpointsResponse>();

        audit.MapGet("/events", async (HttpContext http, AuditService s, CancellationToken ct,
            long? after = null, int? limit = null, string? key = null, string? principal = null, string? operation = null,
            string? outcome = null, DateTimeOffset? from = null, DateTimeOffset? to = null) =>
            (await s.ReadEventsAsync(http.Principal(), new AuditQuery(after ?? -1, limit ?? 100, key, principal, operation, outcome, from, to), ct))
                .ToHttp(page => new EventsResponse(page.Leaves.Select(l => new EventItem(l.Index, l.LeafHash, l.Data, AuditEvent.FromLeafData(l.Data))).ToList(), page.Next)))
            .WithSummary("Events (filters: key, principal, operation, outcome, from, to; paged by index)").Produces<EventsResponse>();

        audit.MapGet("/events/{index:long}/proof", async (long index, HttpContext http, AuditService s, CancellationToken ct, long? treeSize = null) =>
        {
            if (treeSize is null) return ProblemMapper.Problem(Core.Errors.ErrorCode.ValidationFailed, "treeSize is required");
            return (await s.InclusionProofAsync(http.Principal(), index, treeSize.Value, ct)).ToHttp(r => new ProofResponse(index, treeSize.Value, r.LeafHash, r.Proof));
        }).WithSummary("Inclusion proof of an event in a tree of the given size").Produces<ProofResponse>();

        audit.MapGet("/consistency", async (HttpContext http, AuditService s, CancellationToken ct, long? from = null, long? to = null) =>
        {
            if (from is null || to is null) return ProblemMapper.Problem(Core.Errors.ErrorCode.ValidationFailed, "from and to are required");
            return (await s.ConsistencyProofAsync(http.Principal(), from.Value, to.Value, ct)).ToHttp(p => new ConsistencyResponse(from.Value, to.Value, p));
        }).WithSummary("Consistency proof between two tree sizes").Produces<ConsistencyResponse>();

        audit.MapPost("/cosignatures", async (HttpContext http, AuditService s, CancellationToken ct) =>
        {
            var body = await RequestBody.ReadOptionalAsync(http, ApiJsonContext.Default.CosignatureRequest, ct);
            if (!body.IsSuccess) return ProblemMapper.ToResult(body.Error);
            if (body.Value?.Note is not { Length: > 0 } note) return ProblemMapper.Problem(Core.Errors.ErrorCode.ValidationFailed, "note is required");
            var result = await s.AddCosignaturesAsync(http.Principal(), note, ct);
            return result.IsSuccess ? Results.NoContent() : ProblemMapper.ToResult(result.Error);
        }).WithSummary("Add a witness cosignature to a published checkpoint").Accepts<CosignatureRequest>("application/json").Produces(204);
    }
}
