using System.Runtime.CompilerServices;
using Custos.Cli.Audit;
using Custos.Cli.Http;
using Custos.Server.Api.Rest;
using Custos.Server.Api.Rest.Audit;

namespace Custos.Cli.Commands.Audit;

/// <summary>
/// The audit endpoints of the REST API (/v1/audit/...), paged to the end, over <see cref="CustosApi"/> and
/// the server's own response records. Failures: <see cref="ApiException"/> for a refused request,
/// <see cref="CliException"/> for an unreachable server or an unexpected answer.
/// </summary>
internal sealed class AuditLogClient(Connection connection) : IDisposable
{
    /// <summary>Page size for events and checkpoints (the server's maximum).</summary>
    public const int PageSize = 1000;

    private readonly CustosApi _api = new(connection);

    /// <summary>GET /v1/audit/checkpoint.</summary>
    public Task<AuditEndpoints.CheckpointResponse> GetCheckpointAsync(CancellationToken ct) =>
        _api.GetAsync("v1/audit/checkpoint", ApiJsonContext.Default.CheckpointResponse, ct);

    /// <summary>Every stored checkpoint note, in increasing size (all pages).</summary>
    public async Task<List<string>> GetCheckpointNotesAsync(CancellationToken ct)
    {
        var notes = new List<string>();
        long after = -1;
        while (true)
        {
            var page = await _api.GetAsync($"v1/audit/checkpoints?after={after}&limit={PageSize}", ApiJsonContext.Default.CheckpointsResponse, ct);
            notes.AddRange(page.Checkpoints.Select(c => c.Note));
            if (page.Next is not { } next) return notes;
            after = Advance(after, next);
        }
    }

    /// <summary>Every event after index <paramref name="after"/> (exclusive; -1 for all), in index order (all pages).</summary>
    public async IAsyncEnumerable<AuditLeaf> GetEventsAsync(long after, [EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            var page = await _api.GetAsync($"v1/audit/events?after={after}&limit={PageSize}", ApiJsonContext.Default.EventsResponse, ct);
            foreach (var e in page.Events) yield return new AuditLeaf(e.Index, e.Data ?? [], e.LeafHash ?? []);
            if (page.Next is not { } next) yield break;
            after = Advance(after, next);
        }
    }

    /// <summary>GET /v1/audit/consistency?from=M&amp;to=N; checks the answer is for the sizes asked.</summary>
    public async Task<IReadOnlyList<byte[]>> GetConsistencyAsync(long from, long to, CancellationToken ct)
    {
        var r = await _api.GetAsync($"v1/audit/consistency?from={from}&to={to}", ApiJsonContext.Default.ConsistencyResponse, ct);
        if (r.From != from || r.To != to) throw new CliException($"the server answered a consistency proof for {r.From}..{r.To}, not {from}..{to}");
        return r.Proof ?? [];
    }

    /// <summary>POST /v1/audit/cosignatures with the checkpoint note carrying a cosignature.</summary>
    public Task PostCosignatureAsync(string note, CancellationToken ct) =>
        _api.SendAsync(HttpMethod.Post, "v1/audit/cosignatures", new AuditEndpoints.CosignatureRequest(note), ApiJsonContext.Default.CosignatureRequest, ct);

    private static long Advance(long after, long next) =>
        next > after ? next : throw new CliException($"the server's paging did not advance (after {after}, next {next})");

    /// <inheritdoc />
    public void Dispose() => _api.Dispose();
}
