using Custos.Core.Seal;
using Custos.Crypto.Signing;

namespace Custos.Server.Api.Rest.Ceremonies;

/// <summary>
/// GET /v1/sys/ceremony/{id} — unauthenticated (operators have no token yet, and a transcript holds no
/// secret): the transcript, its status, and each operator's key and signature, enough to verify every
/// signature offline.
/// </summary>
public static class GetCeremony
{
    /// <summary>A ceremony as served.</summary>
    /// <param name="Id">The ceremony id.</param>
    /// <param name="Kind">"init".</param>
    /// <param name="Status">"pending" or "complete".</param>
    /// <param name="Threshold">Confirmations needed.</param>
    /// <param name="Confirmations">Confirmations so far.</param>
    /// <param name="Transcript">The canonical transcript text the operators sign.</param>
    /// <param name="TranscriptSha256">Its SHA-256, lower-case hex.</param>
    /// <param name="CreatedAt">When it began.</param>
    /// <param name="CompletedAt">When it completed.</param>
    /// <param name="Operators">The operators in transcript order.</param>
    public sealed record Response(string Id, string Kind, string Status, int Threshold, int Confirmations, string Transcript, string TranscriptSha256,
        DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, IReadOnlyList<OperatorResponse> Operators);

    /// <summary>One operator: their public key (PEM) and its fingerprint, the hash of their share, and their signature (DER ECDSA, base64) once given.</summary>
    public sealed record OperatorResponse(string Name, string PublicKey, string KeyFingerprint, string ShareSha256, bool Confirmed,
        DateTimeOffset? ConfirmedAt = null, byte[]? Signature = null);

    /// <summary>Maps the route.</summary>
    public static void Map(RouteGroupBuilder ceremonies) =>
        ceremonies.MapGet("/{id}", Handle).WithName("GetCeremony").WithSummary("Show a key ceremony").AllowAnonymous()
            .Produces<Response>().ProducesProblem(404);

    private static async Task<IResult> Handle(string id, InitCeremony ceremonies, CancellationToken ct) =>
        (await ceremonies.GetAsync(id, ct)).ToHttp(From);

    /// <summary>Maps a stored ceremony.</summary>
    public static Response From(Ceremony c) => new(c.Id, c.Kind, c.Status == CeremonyStatus.Complete ? "complete" : "pending",
        c.Threshold, c.Confirmations, c.Transcript, Convert.ToHexStringLower(c.TranscriptSha256), c.CreatedAt, c.CompletedAt,
        [.. c.Operators.Select(o => new OperatorResponse(o.Name, VerificationKey.FromSpki(o.PublicKey)?.ToPem() ?? "", o.KeyFingerprint,
            Convert.ToHexStringLower(o.ShareSha256), o.Confirmed, o.ConfirmedAt, o.Signature))]);
}
