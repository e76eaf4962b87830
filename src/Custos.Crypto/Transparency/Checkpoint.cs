using System.Globalization;
using System.Text;

namespace Custos.Crypto.Transparency;

/// <summary>
/// Spec card — C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint) note text:
/// <code>
/// &lt;origin&gt;\n                  non-empty; no control characters
/// &lt;tree size&gt;\n               ASCII decimal, no leading zeros ("0" for the empty tree)
/// &lt;base64(root hash)&gt;\n       RFC 4648 §4 standard base64 of the 32-byte RFC 6962 root
/// [&lt;extension line&gt;\n]*       optional, opaque, each non-empty (NOT RECOMMENDED by the spec)
/// </code>
/// <see cref="Format"/> writes exactly that (with the final newline); <see cref="TryParse"/> accepts only
/// that canonical form. Misuse in the constructor throws <see cref="ArgumentException"/>; parse failure returns false.
/// </summary>
public sealed class Checkpoint
{
    /// <summary>Longest checkpoint body accepted by <see cref="TryParse"/>, in characters.</summary>
    public const int MaxLength = 64 * 1024;

    private readonly byte[] _rootHash;

    /// <summary>The log identity, first line.</summary>
    public string Origin { get; }

    /// <summary>The number of leaves.</summary>
    public long Size { get; }

    /// <summary>A copy of the 32-byte root hash.</summary>
    public byte[] RootHash => (byte[])_rootHash.Clone();

    /// <summary>Extension lines, without their newlines.</summary>
    public IReadOnlyList<string> Extensions { get; }

    /// <summary>A checkpoint; throws on an empty origin or line, a control character, a negative size or a root that is not 32 bytes.</summary>
    public Checkpoint(string origin, long size, ReadOnlySpan<byte> rootHash, IEnumerable<string>? extensions = null)
    {
        if (!IsValidLine(origin)) throw new ArgumentException("the origin must be a non-empty line without control characters", nameof(origin));
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (rootHash.Length != MerkleHash.Size) throw new ArgumentException($"the root hash must be {MerkleHash.Size} bytes", nameof(rootHash));
        string[] ext = extensions?.ToArray() ?? [];
        if (ext.Any(e => !IsValidLine(e))) throw new ArgumentException("extension lines must be non-empty lines without control characters", nameof(extensions));
        Origin = origin;
        Size = size;
        _rootHash = rootHash.ToArray();
        Extensions = ext;
    }

    /// <summary>The note text: origin, size, base64 root, extensions, each ending in a newline.</summary>
    public string Format()
    {
        var sb = new StringBuilder();
        sb.Append(Origin).Append('\n')
          .Append(Size.ToString(CultureInfo.InvariantCulture)).Append('\n')
          .Append(Convert.ToBase64String(_rootHash)).Append('\n');
        foreach (var e in Extensions) sb.Append(e).Append('\n');
        return sb.ToString();
    }

    /// <inheritdoc cref="Format"/>
    public override string ToString() => Format();

    /// <summary>Parses a checkpoint note text (the body of a signed note, not the whole note); false unless canonical.</summary>
    public static bool TryParse(string? text, out Checkpoint? checkpoint)
    {
        checkpoint = null;
        if (text is null || text.Length > MaxLength || text.Length == 0 || text[^1] != '\n') return false;
        string[] lines = text[..^1].Split('\n');
        if (lines.Length < 3 || !lines.All(IsValidLine)) return false;

        string sizeText = lines[1];
        if (sizeText.Length > 19 || (sizeText.Length > 1 && sizeText[0] == '0') || !sizeText.All(char.IsAsciiDigit)) return false;
        if (!long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out long size)) return false;

        byte[]? root = DecodeCanonicalBase64(lines[2]);
        if (root is null || root.Length != MerkleHash.Size) return false;

        checkpoint = new Checkpoint(lines[0], size, root, lines.Skip(3));
        return true;
    }

    /// <summary>Standard base64 that re-encodes to exactly the input (so padding and trailing bits are canonical), else null.</summary>
    internal static byte[]? DecodeCanonicalBase64(string s)
    {
        if (s.Length == 0 || s.Length % 4 != 0) return null;
        byte[] buffer = new byte[s.Length / 4 * 3];
        if (!Convert.TryFromBase64String(s, buffer, out int written)) return null;
        byte[] bytes = buffer[..written];
        return Convert.ToBase64String(bytes) == s ? bytes : null;
    }

    private static bool IsValidLine(string? line) => !string.IsNullOrEmpty(line) && !line.Any(c => c < 0x20);
}
