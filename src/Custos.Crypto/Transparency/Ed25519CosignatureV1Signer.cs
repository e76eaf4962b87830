using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;

namespace Custos.Crypto.Transparency;

/// <summary>
/// Spec card — C2SP tlog-cosignature, Ed25519 "cosignature/v1" (signature type 0x04), for witnesses:
/// <code>
/// key ID    = SHA-256(name || 0x0A || 0x04 || 32-byte Ed25519 public key)[:4]
/// signature = u64 big-endian timestamp (POSIX seconds, ≤ 2^63-1) || Ed25519(message)[64]
/// message   = "cosignature/v1\n" || "time " || decimal timestamp, no leading zeros || "\n" || checkpoint note text
/// </code>
/// The time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class Ed25519CosignatureV1Signer : NoteSigner
{
    private readonly Ed25519PrivateKeyParameters _key;
    private readonly byte[] _publicKey;
    private readonly TimeProvider _time;

    /// <summary>A cosigner named <paramref name="name"/> with a 32-byte Ed25519 seed and a clock.</summary>
    public Ed25519CosignatureV1Signer(string name, ReadOnlySpan<byte> seed, TimeProvider time)
    {
        NoteKeys.CheckName(name);
        ArgumentNullException.ThrowIfNull(time);
        _key = NoteKeys.Ed25519PrivateKey(seed);
        _publicKey = _key.GeneratePublicKey().GetEncoded();
        _time = time;
        Name = name;
        KeyId = NoteKeys.NameBoundKeyId(name, NoteKeys.TypeCosignatureV1, _publicKey);
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override uint KeyId { get; }

    /// <inheritdoc/>
    public override string VerifierKey => NoteKeys.VerifierKey(Name, KeyId, NoteKeys.TypeCosignatureV1, _publicKey);

    /// <summary>Cosigns the checkpoint note text at the current time.</summary>
    public override byte[] Sign(ReadOnlySpan<byte> text)
    {
        long timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        if (timestamp < 0) throw new InvalidOperationException("the clock is before 1970");
        byte[] sig = NoteKeys.Ed25519Sign(_key, SignedMessage(timestamp, text));
        byte[] result = new byte[8 + sig.Length];
        BinaryPrimitives.WriteUInt64BigEndian(result, (ulong)timestamp);
        sig.CopyTo(result, 8);
        return result;
    }

    /// <summary>"cosignature/v1\ntime &lt;t&gt;\n" followed by the note text.</summary>
    internal static byte[] SignedMessage(long timestamp, ReadOnlySpan<byte> text)
    {
        byte[] header = Encoding.ASCII.GetBytes("cosignature/v1\ntime " + timestamp.ToString(CultureInfo.InvariantCulture) + "\n");
        byte[] msg = new byte[header.Length + text.Length];
        header.CopyTo(msg, 0);
        text.CopyTo(msg.AsSpan(header.Length));
        return msg;
    }
}
