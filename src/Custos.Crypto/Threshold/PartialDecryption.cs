namespace Custos.Crypto.Threshold;

/// <summary>
/// Spec card — a custodian's answer to an unwrap: D_i = s_i·E for the ephemeral point E of a
/// <see cref="ThresholdWrappedKey"/>, with a Chaum–Pedersen proof that log_G(P_i) = log_E(D_i)
/// (see <see cref="ChaumPedersen"/> for the transcript).
/// <code>
/// { version 1 = 0x01 | index u8 (1..255) | D_i 33 (SEC 1 compressed) | c 32 | z 32 }     99 bytes
/// </code>
/// A custodian computes it with <see cref="TryCompute"/>, which validates E first (every refusal carries a
/// <see cref="PointRejection"/>); the combiner checks it with <see cref="ThresholdCombiner"/> against the public
/// share it recorded for the custodian. Not secret: fewer than k partials for one E reveal nothing about s·E.
/// </summary>
public sealed class PartialDecryption
{
    /// <summary>Bytes in the encoding.</summary>
    public const int EncodedSize = 2 + P256Point.CompressedSize + ChaumPedersen.ProofSize;

    private const byte FormatVersion = 1;
    private readonly byte[] _proof;

    private PartialDecryption(int index, P256Point value, byte[] proof)
    {
        Index = index;
        Value = value;
        _proof = proof;
    }

    /// <summary>The custodian's participant index i.</summary>
    public int Index { get; }

    /// <summary>D_i = s_i·E.</summary>
    public P256Point Value { get; }

    /// <summary>The proof { c | z }.</summary>
    internal ReadOnlySpan<byte> Proof => _proof;

    /// <summary>
    /// The custodian's side: validates <paramref name="ephemeral"/> (SEC 1 bytes as received) and, when it is a valid
    /// group element, returns s_i·E with its proof, bound to <paramref name="keyId"/> and <paramref name="keyVersion"/>.
    /// Null with the reason when the point is refused; the share is never used on an unvalidated point.
    /// </summary>
    public static PartialDecryption? TryCompute(KeyShare share, ReadOnlySpan<byte> ephemeral, ReadOnlySpan<byte> keyId, int keyVersion, out PointRejection rejection)
    {
        ArgumentNullException.ThrowIfNull(share);
        if (!P256Point.TryDecode(ephemeral, out var e, out rejection)) return null;
        return Compute(share, e, keyId, keyVersion);
    }

    /// <summary>As <see cref="TryCompute"/> for an already validated point (a <see cref="P256Point"/> is always valid).</summary>
    public static PartialDecryption Compute(KeyShare share, P256Point ephemeral, ReadOnlySpan<byte> keyId, int keyVersion)
    {
        ArgumentNullException.ThrowIfNull(share);
        ArgumentNullException.ThrowIfNull(ephemeral);
        var keyRef = KeyBinding.KeyReference(keyId, keyVersion);
        var d = P256Point.FromComputation(P256.MultiplySecret(ephemeral.Value, share.Scalar()));
        var proof = new byte[ChaumPedersen.ProofSize];
        ChaumPedersen.Prove(share, ephemeral, d, keyRef, proof);
        return new PartialDecryption(share.Index, d, proof);
    }

    /// <summary>True when the proof shows D_i = s_i·E for the s_i behind <paramref name="publicShare"/>, for this key id, version and E.</summary>
    public bool Verify(P256Point publicShare, P256Point ephemeral, ReadOnlySpan<byte> keyId, int keyVersion)
    {
        ArgumentNullException.ThrowIfNull(publicShare);
        ArgumentNullException.ThrowIfNull(ephemeral);
        return ChaumPedersen.Verify(Index, publicShare, ephemeral, Value, KeyBinding.KeyReference(keyId, keyVersion), _proof);
    }

    /// <summary>The encoding (see the class comment).</summary>
    public byte[] Encode()
    {
        var b = new byte[EncodedSize];
        b[0] = FormatVersion;
        b[1] = (byte)Index;
        Value.Encode(b.AsSpan(2, P256Point.CompressedSize));
        _proof.CopyTo(b, 2 + P256Point.CompressedSize);
        return b;
    }

    /// <summary>Parses a partial; null when it is malformed or D_i is not a valid point. Parsing does not verify the proof.</summary>
    public static PartialDecryption? TryDecode(ReadOnlySpan<byte> encoded) => Decode(encoded, out _);

    internal static PartialDecryption? Decode(ReadOnlySpan<byte> encoded, out PartialFault fault)
    {
        fault = PartialFault.Malformed;
        if (encoded.Length != EncodedSize || encoded[0] != FormatVersion || encoded[1] == 0) return null;
        var point = encoded.Slice(2, P256Point.CompressedSize);
        var proof = encoded[(2 + P256Point.CompressedSize)..];
        if (!P256.IsCanonical(proof[P256.ScalarSize..])) return null;
        if (point[0] is not (0x02 or 0x03) || P256Point.TryDecode(point) is not { } d)
        {
            fault = PartialFault.InvalidPoint;
            return null;
        }
        return new PartialDecryption(encoded[1], d, proof.ToArray());
    }

    /// <inheritdoc />
    public override string ToString() => $"partial decryption from custodian {Index}";
}
