namespace Custos.Core.Audit;

/// <summary>
/// What an audit event says about a key ceremony: its id, the SHA-256 of its transcript (lower-case hex;
/// the transcript itself is served by <c>GET /v1/sys/ceremony/{id}</c>) and the operators who have
/// confirmed it by signature. Holds no secret: the transcript has only hashes of the shares.
/// </summary>
/// <param name="Id">The ceremony id (<c>cer_...</c>).</param>
/// <param name="TranscriptSha256">SHA-256 of the transcript text, lower-case hex.</param>
/// <param name="Participants">The operators whose signatures are counted, in the order they confirmed; absent when none has yet.</param>
/// <param name="Signatures">
/// For a key-creation ceremony, each participant's signature over the transcript (the approval statement) as
/// "principal-id sha256:KEY-FINGERPRINT BASE64-SIGNATURE", so that the event alone proves who confirmed what.
/// </param>
public sealed record AuditCeremony(string Id, string TranscriptSha256, IReadOnlyList<string>? Participants = null, IReadOnlyList<string>? Signatures = null);
