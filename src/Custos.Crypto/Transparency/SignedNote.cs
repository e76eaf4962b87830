using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Custos.Crypto.Transparency;

/// <summary>
/// Spec card — C2SP signed-note (c2sp.org/signed-note):
/// <code>
/// &lt;text, UTF-8, ending in \n; may contain empty lines&gt;
/// \n                                             blank separator: the LAST "\n\n" in the note
/// — &lt;key name&gt; base64(key ID[4] || signature)\n   one or more lines; — is U+2014 then U+0020
/// </code>
/// Signatures cover the text bytes (UTF-8) including its final newline, excluding the blank line.
/// Notes are valid UTF-8 without control characters other than newline. Verification follows the spec:
/// signatures whose (name, key ID) match no known key are ignored; a matching signature that fails rejects
/// the note; with no verified known key the note is rejected. Bounds: at most <see cref="MaxSignatures"/>
/// signatures and <see cref="MaxLength"/> characters. Parse failure and verification failure return
/// false/null; misuse throws.
/// </summary>
public sealed class SignedNote
{
    /// <summary>Most signature lines accepted (the spec requires at least 16; Go's note package allows 100).</summary>
    public const int MaxSignatures = 100;

    /// <summary>Longest note accepted by <see cref="TryParse"/>, in UTF-16 characters.</summary>
    public const int MaxLength = 256 * 1024;

    private const string SignaturePrefix = "\u2014 ";

    /// <summary>The signed text, ending in a newline.</summary>
    public string Text { get; }

    /// <summary>Signature lines in note order, including ones from keys a verifier does not know.</summary>
    public IReadOnlyList<NoteSignature> Signatures { get; }

    /// <summary>A note; throws if the text is not a valid note text or there are no or too many signatures.</summary>
    public SignedNote(string text, IEnumerable<NoteSignature> signatures)
    {
        if (!IsValidText(text)) throw new ArgumentException("note text must be non-empty valid UTF-8 ending in a newline, without other control characters", nameof(text));
        ArgumentNullException.ThrowIfNull(signatures);
        NoteSignature[] sigs = [.. signatures];
        if (sigs.Length is 0 or > MaxSignatures) throw new ArgumentException($"a note carries 1 to {MaxSignatures} signatures", nameof(signatures));
        if (sigs.Any(s => s is null)) throw new ArgumentException("null signature", nameof(signatures));
        Text = text;
        Signatures = sigs;
    }

    /// <summary>Signs <paramref name="text"/> with each signer, in order.</summary>
    public static SignedNote Sign(string text, params NoteSigner[] signers)
    {
        if (!IsValidText(text)) throw new ArgumentException("note text must be non-empty valid UTF-8 ending in a newline, without other control characters", nameof(text));
        ArgumentNullException.ThrowIfNull(signers);
        byte[] msg = Encoding.UTF8.GetBytes(text);
        return new SignedNote(text, signers.Select(s => new NoteSignature(s.Name, s.KeyId, s.Sign(msg))));
    }

    /// <summary>A copy of this note with one more signature from <paramref name="signer"/> (e.g. a witness cosignature).</summary>
    public SignedNote AddSignature(NoteSigner signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var sig = new NoteSignature(signer.Name, signer.KeyId, signer.Sign(Encoding.UTF8.GetBytes(Text)));
        return new SignedNote(Text, [.. Signatures, sig]);
    }

    /// <summary>The whole note: text, blank line, signature lines.</summary>
    public string Format()
    {
        var sb = new StringBuilder(Text).Append('\n');
        foreach (var s in Signatures) sb.Append(s.Format());
        return sb.ToString();
    }

    /// <inheritdoc cref="Format"/>
    public override string ToString() => Format();

    /// <summary>True iff <paramref name="verifier"/>'s key signed this note: at least one signature matches its (name, key ID) and every matching one verifies.</summary>
    public bool Verify(NoteVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        return VerifiedBy([verifier]) is { Count: 1 };
    }

    /// <summary>
    /// The known keys that signed this note, in the order given; null if the note must be rejected: a signature
    /// matching a known key's (name, key ID) fails to verify, or no known key's signature verifies.
    /// </summary>
    public IReadOnlyList<NoteVerifier>? VerifiedBy(IEnumerable<NoteVerifier> verifiers)
    {
        ArgumentNullException.ThrowIfNull(verifiers);
        byte[] msg = Encoding.UTF8.GetBytes(Text);
        var verified = new List<NoteVerifier>();
        foreach (var v in verifiers)
        {
            bool seen = false;
            foreach (var s in Signatures)
            {
                if (s.Name != v.Name || s.KeyId != v.KeyId) continue;
                if (!v.Verify(msg, s.SignatureSpan)) return null;
                seen = true;
            }
            if (seen && !verified.Contains(v)) verified.Add(v);
        }
        return verified.Count == 0 ? null : verified;
    }

    /// <summary>Parses a signed note strictly; false on any deviation from the format or a bound.</summary>
    public static bool TryParse(string? note, out SignedNote? signedNote)
    {
        signedNote = null;
        if (note is null || note.Length is 0 or > MaxLength || note[^1] != '\n') return false;
        if (!IsValidUtf16(note) || note.Any(c => c < 0x20 && c != '\n')) return false;

        int split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0) return false;
        string text = note[..(split + 1)];
        string sigBlock = note[(split + 2)..];
        if (sigBlock.Length == 0) return false;

        string[] lines = sigBlock[..^1].Split('\n');
        if (lines.Length > MaxSignatures) return false;
        var sigs = new List<NoteSignature>(lines.Length);
        foreach (string line in lines)
        {
            if (!line.StartsWith(SignaturePrefix, StringComparison.Ordinal)) return false;
            string rest = line[SignaturePrefix.Length..];
            int space = rest.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0) return false;
            string name = rest[..space];
            if (!NoteSignature.IsValidName(name)) return false;
            byte[]? blob = Checkpoint.DecodeCanonicalBase64(rest[(space + 1)..]);
            if (blob is null || blob.Length < 5 || blob.Length > 4 + NoteSignature.MaxSignatureLength) return false;
            sigs.Add(new NoteSignature(name, BinaryPrimitives.ReadUInt32BigEndian(blob), blob.AsSpan(4)));
        }
        if (!IsValidText(text)) return false;
        signedNote = new SignedNote(text, sigs);
        return true;
    }

    private static bool IsValidText(string? text) =>
        !string.IsNullOrEmpty(text) && text[^1] == '\n' && IsValidUtf16(text) && !text.Any(c => c < 0x20 && c != '\n');

    // Rejects lone surrogates, which have no UTF-8 encoding.
    private static bool IsValidUtf16(string s)
    {
        byte[] scratch = new byte[Encoding.UTF8.GetMaxByteCount(s.Length)];
        return Utf8.FromUtf16(s, scratch, out _, out _, replaceInvalidSequences: false) == System.Buffers.OperationStatus.Done;
    }
}
