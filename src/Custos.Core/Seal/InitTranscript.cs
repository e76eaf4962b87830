using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Custos.Core.Seal;

/// <summary>
/// The transcript of an init ceremony: what happened, canonical text that each operator signs (the
/// exact UTF-8 bytes of <see cref="Render"/>). One "name value" line each, in this order, every line
/// ending in '\n':
/// <code>
/// custos-init-ceremony-v1
/// ceremony cer_0123456789abcdef
/// node node-1
/// time 2026-12-01T09:00:00.000000Z
/// seal shamir
/// shares 3
/// threshold 2
/// root-key root-0123456789abcdef
/// root-token tok_0123456789abcdef
/// operator alice key-sha256:HEX64 share-sha256:HEX64     (one line per share, in share order)
/// </code>
/// It names the root token by accessor id only and the shares by SHA-256 only: it holds no secret and
/// may be published. <see cref="Parse"/> accepts only text that renders back byte for byte.
/// </summary>
public sealed record InitTranscript(
    string CeremonyId,
    string Node,
    DateTimeOffset Time,
    string SealType,
    int Shares,
    int Threshold,
    string RootKeyId,
    string RootTokenId,
    IReadOnlyList<TranscriptOperator> Operators)
{
    /// <summary>The first line: what the text is, and its version.</summary>
    public const string Header = "custos-init-ceremony-v1";
    /// <summary>Longest transcript accepted by <see cref="Parse"/>.</summary>
    public const int MaxLength = 64 * 1024;
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";
    private const int HexLength = 64;

    /// <summary>The canonical text.</summary>
    public string Render()
    {
        var b = new StringBuilder();
        b.Append(Header).Append('\n');
        Line(b, "ceremony", CeremonyId);
        Line(b, "node", Node);
        Line(b, "time", Time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture));
        Line(b, "seal", SealType);
        Line(b, "shares", Shares.ToString(CultureInfo.InvariantCulture));
        Line(b, "threshold", Threshold.ToString(CultureInfo.InvariantCulture));
        Line(b, "root-key", RootKeyId);
        Line(b, "root-token", RootTokenId);
        foreach (var op in Operators) Line(b, "operator", $"{op.Name} key-sha256:{op.KeyFingerprint} share-sha256:{op.ShareSha256}");
        return b.ToString();
    }

    /// <summary>SHA-256 of a transcript's UTF-8 bytes.</summary>
    public static byte[] Hash(string transcript) => SHA256.HashData(Encoding.UTF8.GetBytes(transcript));

    /// <summary>A node name fit for one transcript line: control characters become '?'.</summary>
    public static string LineSafe(string value) => new([.. value.Select(c => char.IsControl(c) ? '?' : c)]);

    /// <summary>The operator line for <paramref name="name"/>, or null.</summary>
    public TranscriptOperator? Operator(string name) => Operators.FirstOrDefault(o => o.Name == name);

    /// <summary>Reads a transcript; null when it is not one in canonical form.</summary>
    public static InitTranscript? Parse(string? text)
    {
        if (text is null || text.Length > MaxLength || !text.EndsWith('\n')) return null;
        var lines = text[..^1].Split('\n');
        if (lines.Length < 10 || lines[0] != Header) return null;
        string? Value(int i, string name) => lines[i].StartsWith(name + " ", StringComparison.Ordinal) ? lines[i][(name.Length + 1)..] : null;
        try
        {
            var id = Value(1, "ceremony");
            var node = Value(2, "node");
            var time = Value(3, "time");
            var seal = Value(4, "seal");
            var shares = Value(5, "shares");
            var threshold = Value(6, "threshold");
            var rootKey = Value(7, "root-key");
            var rootToken = Value(8, "root-token");
            if (id is null || node is null || time is null || seal is null || shares is null || threshold is null || rootKey is null || rootToken is null) return null;
            var operators = new List<TranscriptOperator>();
            for (int i = 9; i < lines.Length; i++)
            {
                var parts = Value(i, "operator")?.Split(' ');
                if (parts is not { Length: 3 } || !parts[1].StartsWith("key-sha256:", StringComparison.Ordinal) || !parts[2].StartsWith("share-sha256:", StringComparison.Ordinal))
                    return null;
                var op = new TranscriptOperator(parts[0], parts[1]["key-sha256:".Length..], parts[2]["share-sha256:".Length..]);
                if (!OperatorKey.IsValidName(op.Name) || !IsHex(op.KeyFingerprint) || !IsHex(op.ShareSha256)) return null;
                operators.Add(op);
            }
            var parsed = new InitTranscript(id, node, DateTimeOffset.ParseExact(time, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                seal, int.Parse(shares, NumberStyles.None, CultureInfo.InvariantCulture), int.Parse(threshold, NumberStyles.None, CultureInfo.InvariantCulture), rootKey, rootToken, operators);
            return Ceremony.IsValidId(id) && parsed.Shares == operators.Count && parsed.Render() == text ? parsed : null;
        }
        catch (FormatException) { return null; }
        catch (OverflowException) { return null; }
    }

    private static void Line(StringBuilder b, string name, string value)
    {
        if (value.Length == 0 || value.Any(char.IsControl)) throw Errors.Error.Invariant($"transcript value for '{name}' is empty or has a control character");
        b.Append(name).Append(' ').Append(value).Append('\n');
    }

    private static bool IsHex(string s) => s.Length == HexLength && !s.AsSpan().ContainsAnyExcept(Ceremony.LowerHex);
}
