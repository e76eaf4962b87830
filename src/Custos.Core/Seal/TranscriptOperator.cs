namespace Custos.Core.Seal;

/// <summary>One operator's line in an <see cref="InitTranscript"/>.</summary>
/// <param name="Name">The operator's name.</param>
/// <param name="KeyFingerprint">SHA-256 of the operator's public key (DER SubjectPublicKeyInfo), lower-case hex.</param>
/// <param name="ShareSha256">SHA-256 of the share handed to the operator (its text form, ASCII), lower-case hex.</param>
public sealed record TranscriptOperator(string Name, string KeyFingerprint, string ShareSha256);
