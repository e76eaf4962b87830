namespace Custos.Crypto.Transparency;

/// <summary>
/// Spec card — one C2SP signed-note signature line (c2sp.org/signed-note §Signatures):
/// <code>— &lt;key name&gt; base64(uint32 big-endian key ID || signature)\n</code>
/// The name is non-empty with no Unicode space and no '+'. The signature bytes exclude the key ID.
/// Misuse (an invalid name, an empty signature) throws <see cref="ArgumentException"/>.
/// </summary>
public sealed class NoteSignature
{
    /// <summary>Longest raw signature accepted, in bytes (ML-DSA-87 signatures are 4627 bytes).</summary>
    public const int MaxSignatureLength = 8192;

    private readonly byte[] _signature;

    /// <summary>The key name.</summary>
    public string Name { get; }

    /// <summary>The 32-bit key ID.</summary>
    public uint KeyId { get; }

    /// <summary>A copy of the signature bytes (without the key ID).</summary>
    public byte[] Signature => (byte[])_signature.Clone();

    internal ReadOnlySpan<byte> SignatureSpan => _signature;

    /// <summary>A signature line's content.</summary>
    public NoteSignature(string name, uint keyId, ReadOnlySpan<byte> signature)
    {
        if (!IsValidName(name)) throw new ArgumentException("a key name must be non-empty, without spaces, '+' or control characters", nameof(name));
        if (signature.IsEmpty || signature.Length > MaxSignatureLength) throw new ArgumentException("the signature must be 1 to 8192 bytes", nameof(signature));
        Name = name;
        KeyId = keyId;
        _signature = signature.ToArray();
    }

    /// <summary>The signature line, "— name base64(keyid||sig)\n".</summary>
    public string Format()
    {
        byte[] blob = new byte[4 + _signature.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(blob, KeyId);
        _signature.CopyTo(blob, 4);
        return "\u2014 " + Name + " " + Convert.ToBase64String(blob) + "\n";
    }

    /// <summary>True if <paramref name="name"/> is a valid key name: non-empty, no Unicode spaces, no '+', no control characters.</summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && !name.Any(c => char.IsWhiteSpace(c) || c < 0x20 || c == '+');
}
