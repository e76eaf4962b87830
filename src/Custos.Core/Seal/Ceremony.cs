namespace Custos.Core.Seal;

/// <summary>
/// A key ceremony as stored: the canonical transcript, its hash, the operators and their signatures. An
/// init ceremony also holds the root token's record (id and SHA-256 of the secret, never the secret): the
/// token is put in force only when the ceremony completes, so that it cannot be used before.
/// </summary>
/// <param name="Id">"cer_" and 16 hex digits.</param>
/// <param name="Kind">What the ceremony guards: <see cref="InitKind"/>.</param>
/// <param name="Transcript">The canonical transcript text every operator signs.</param>
/// <param name="TranscriptSha256">SHA-256 of <paramref name="Transcript"/> (UTF-8).</param>
/// <param name="Threshold">How many operator confirmations complete it.</param>
/// <param name="Status">Pending or complete.</param>
/// <param name="CreatedAt">When it began.</param>
/// <param name="CompletedAt">When the last needed confirmation arrived.</param>
/// <param name="Operators">The operators, in transcript order.</param>
/// <param name="RootTokenId">Init ceremonies: the root token's accessor id.</param>
/// <param name="RootTokenHash">Init ceremonies: SHA-256 of the root token's secret.</param>
public sealed record Ceremony(
    string Id,
    string Kind,
    string Transcript,
    byte[] TranscriptSha256,
    int Threshold,
    CeremonyStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    IReadOnlyList<CeremonyOperator> Operators,
    string? RootTokenId,
    byte[]? RootTokenHash)
{
    /// <summary>The kind of the initialisation ceremony.</summary>
    public const string InitKind = "init";

    /// <summary>How many operators have confirmed.</summary>
    public int Confirmations => Operators.Count(o => o.Confirmed);

    /// <summary>Lower-case hex digits.</summary>
    internal static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>"cer_" and 16 lower-case hex digits.</summary>
    public static bool IsValidId(string? id) =>
        id is { Length: 20 } && id.StartsWith("cer_", StringComparison.Ordinal) && !id.AsSpan(4).ContainsAnyExcept(LowerHex);

    /// <summary>A fresh ceremony id.</summary>
    public static string NewId() => "cer_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
}
