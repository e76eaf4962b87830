using System.Diagnostics.CodeAnalysis;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace Custos.Crypto.Threshold;

/// <summary>
/// Spec card — a validated point of the P-256 prime-order group, other than the identity. The only way in from
/// bytes is <see cref="TryDecode(ReadOnlySpan{byte}, out P256Point?, out PointRejection)"/>, which applies every
/// check a custodian owes a point it is sent (SEC 1 v2 §2.3.4 and §3.2.2.1, NIST SP 800-56A r3 §5.6.2.3.3):
/// <code>
/// encoding  = 0x02|0x03 | X 32       (compressed, 33 bytes)  or  0x04 | X 32 | Y 32   (uncompressed, 65 bytes)
/// refused   : any other length or prefix (0x00 identity, 0x06/0x07 hybrid)       → Malformed / Identity
///             X ≥ p or Y ≥ p                                                     → CoordinateOutOfRange
///             y² ≠ x³ − 3x + b, or no y for a compressed X                       → NotOnCurve
///             the point at infinity                                              → Identity
///             n·P ≠ O (only evaluated when the cofactor is not 1; P-256's is 1)  → NotInGroup
/// </code>
/// So every instance is in the group of prime order n and not the identity: a scalar multiple by a secret can
/// never leak the secret modulo a small order. Instances are immutable and public; they encode compressed
/// (<see cref="Encode()"/>, 33 bytes) in every Custos format, and compare by that encoding.
/// </summary>
public sealed class P256Point : IEquatable<P256Point>
{
    /// <summary>Bytes in the compressed SEC 1 encoding.</summary>
    public const int CompressedSize = 33;

    /// <summary>Bytes in the uncompressed SEC 1 encoding.</summary>
    public const int UncompressedSize = 65;

    private readonly byte[] _compressed;

    private P256Point(ECPoint normalized)
    {
        Value = normalized;
        _compressed = normalized.GetEncoded(true);
    }

    /// <summary>The base point G.</summary>
    public static P256Point Generator { get; } = new(P256.G);

    /// <summary>The BouncyCastle point, normalised (affine).</summary>
    internal ECPoint Value { get; }

    /// <summary>
    /// Wraps the result of a computation on already-validated points. The identity here means a broken invariant
    /// (or a negligible-probability event) and throws.
    /// </summary>
    internal static P256Point FromComputation(ECPoint point)
    {
        var p = point.Normalize();
        if (p.IsInfinity)
            throw new System.Security.Cryptography.CryptographicException("a threshold computation produced the point at infinity");
        return new P256Point(p);
    }

    /// <summary>Like <see cref="FromComputation"/> but null instead of throwing for the identity.</summary>
    internal static P256Point? FromComputationOrNull(ECPoint point)
    {
        var p = point.Normalize();
        return p.IsInfinity ? null : new P256Point(p);
    }

    /// <summary>
    /// Decodes and validates a SEC 1 point (compressed or uncompressed). On refusal, <paramref name="point"/> is null and
    /// <paramref name="rejection"/> says why (see the class comment); on success it is <see cref="PointRejection.None"/>.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, [NotNullWhen(true)] out P256Point? point, out PointRejection rejection)
    {
        point = null;
        rejection = Validate(encoded, out var decoded);
        if (rejection != PointRejection.None) return false;
        point = new P256Point(decoded!);
        return true;
    }

    /// <summary>The point, or null when <paramref name="encoded"/> is refused for any reason.</summary>
    public static P256Point? TryDecode(ReadOnlySpan<byte> encoded) => TryDecode(encoded, out var p, out _) ? p : null;

    private static PointRejection Validate(ReadOnlySpan<byte> encoded, out ECPoint? point)
    {
        point = null;
        if (encoded.IsEmpty) return PointRejection.Malformed;
        var curve = P256.Curve;
        ECPoint candidate;
        switch (encoded[0])
        {
            case 0x00:
                return encoded.Length == 1 ? PointRejection.Identity : PointRejection.Malformed;
            case 0x02 or 0x03:
            {
                if (encoded.Length != CompressedSize) return PointRejection.Malformed;
                if (!InField(encoded.Slice(1, P256.ScalarSize))) return PointRejection.CoordinateOutOfRange;
                try { candidate = curve.DecodePoint(encoded); }
                catch (ArgumentException) { return PointRejection.NotOnCurve; } // x³ − 3x + b has no square root
                break;
            }
            case 0x04:
            {
                if (encoded.Length != UncompressedSize) return PointRejection.Malformed;
                var x = encoded.Slice(1, P256.ScalarSize);
                var y = encoded.Slice(1 + P256.ScalarSize, P256.ScalarSize);
                if (!InField(x) || !InField(y)) return PointRejection.CoordinateOutOfRange;
                // CreatePoint does not validate; the checks below do, with our own reasons.
                candidate = curve.CreatePoint(new BigInteger(1, x), new BigInteger(1, y));
                break;
            }
            default:
                return PointRejection.Malformed;
        }
        candidate = candidate.Normalize();
        if (candidate.IsInfinity) return PointRejection.Identity;
        if (!SatisfiesCurveEquation(candidate)) return PointRejection.NotOnCurve;
        // ECPoint.IsValid re-checks the equation and, for a cofactor other than 1, that n·P = O.
        if (!candidate.IsValid()) return PointRejection.NotOnCurve;
        if (!P256.Cofactor.Equals(BigInteger.One) && !candidate.Multiply(P256.N).IsInfinity) return PointRejection.NotInGroup;
        point = candidate;
        return PointRejection.None;
    }

    private static bool InField(ReadOnlySpan<byte> coordinate) => new BigInteger(1, coordinate).CompareTo(P256.FieldPrime) < 0;

    // y² = x³ + a·x + b with BouncyCastle field elements (a = −3 for P-256).
    private static bool SatisfiesCurveEquation(ECPoint p)
    {
        var x = p.AffineXCoord;
        var y = p.AffineYCoord;
        var curve = P256.Curve;
        var rhs = x.Square().Add(curve.A).Multiply(x).Add(curve.B);
        return y.Square().Equals(rhs);
    }

    /// <summary>The compressed SEC 1 encoding (33 bytes), the form every Custos format uses.</summary>
    public byte[] Encode() => (byte[])_compressed.Clone();

    /// <summary>Writes the compressed encoding into <paramref name="destination"/> (exactly 33 bytes).</summary>
    public void Encode(Span<byte> destination)
    {
        if (destination.Length != CompressedSize) throw new ArgumentException("a compressed P-256 point is 33 bytes", nameof(destination));
        _compressed.CopyTo(destination);
    }

    /// <summary>The uncompressed SEC 1 encoding (65 bytes: 0x04 | X | Y), for interoperability.</summary>
    public byte[] EncodeUncompressed() => Value.GetEncoded(false);

    /// <summary>The compressed encoding without a copy.</summary>
    internal ReadOnlySpan<byte> Compressed => _compressed;

    /// <summary>Equal when the points are equal.</summary>
    public bool Equals(P256Point? other) => other is not null && _compressed.AsSpan().SequenceEqual(other._compressed);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is P256Point p && Equals(p);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.AddBytes(_compressed);
        return h.ToHashCode();
    }

    /// <summary>The compressed encoding in lower-case hex.</summary>
    public override string ToString() => Convert.ToHexStringLower(_compressed);
}
