namespace Custos.Core.Seal;

/// <summary>What an initialisation held as a ceremony hands out: the transcript to sign and each operator's encrypted share.</summary>
/// <param name="Id">The ceremony id.</param>
/// <param name="Transcript">The canonical transcript text.</param>
/// <param name="TranscriptSha256">Its SHA-256, lower-case hex.</param>
/// <param name="Shares">One encrypted share per operator, in transcript order.</param>
public sealed record InitCeremonyResult(string Id, string Transcript, string TranscriptSha256, IReadOnlyList<DealtShare> Shares);
