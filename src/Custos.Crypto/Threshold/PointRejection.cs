namespace Custos.Crypto.Threshold;

/// <summary>
/// Why <see cref="P256Point.TryDecode(ReadOnlySpan{byte}, out P256Point?, out PointRejection)"/> refused an
/// encoding. Stable values, safe to log and audit: they describe a public input, never a secret.
/// </summary>
public enum PointRejection
{
    /// <summary>Not refused.</summary>
    None = 0,

    /// <summary>Not a SEC 1 encoding of P-256: empty, a length other than 33 (0x02/0x03) or 65 (0x04), or another prefix (hybrid 0x06/0x07 included).</summary>
    Malformed = 1,

    /// <summary>A coordinate is not below the field prime p.</summary>
    CoordinateOutOfRange = 2,

    /// <summary>The coordinates do not satisfy y² = x³ − 3x + b (an invalid-curve point), or a compressed x has no point (a twist point).</summary>
    NotOnCurve = 3,

    /// <summary>The point at infinity (SEC 1 encodes it as the single byte 0x00).</summary>
    Identity = 4,

    /// <summary>On the curve but outside the prime-order subgroup. Impossible on P-256 (cofactor 1), checked anyway.</summary>
    NotInGroup = 5,
}
