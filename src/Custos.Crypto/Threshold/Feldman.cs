using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace Custos.Crypto.Threshold;

/// <summary>
/// Feldman verifiable secret sharing (Feldman, FOCS 1987) over P-256: a dealer publishes C_j = a_j·G for its
/// polynomial's coefficients, and anyone can compute what share x must hold, in the exponent:
/// <code>f(x)·G = Σ_{j=0}^{k−1} x^j · C_j</code>
/// Used for checking dealt shares, complaint answers and for deriving public shares from commitments.
/// </summary>
internal static class Feldman
{
    /// <summary>Σ x^j·C_j: the public image f(x)·G of the share at <paramref name="x"/> (may be the identity).</summary>
    public static ECPoint Evaluate(IReadOnlyList<P256Point> commitments, int x)
    {
        var n = P256.N;
        var bx = BigInteger.ValueOf(x);
        var points = new ECPoint[commitments.Count];
        var powers = new BigInteger[commitments.Count];
        var power = BigInteger.One;
        for (int j = 0; j < points.Length; j++)
        {
            points[j] = commitments[j].Value;
            powers[j] = power;
            power = power.Multiply(bx).Mod(n);
        }
        return P256.SumOfMultiplies(points, powers);
    }

    /// <summary>True when <paramref name="share"/> (32 bytes, below n) is f(<paramref name="x"/>) for the committed polynomial.</summary>
    public static bool Verify(IReadOnlyList<P256Point> commitments, int x, ReadOnlySpan<byte> share)
    {
        if (!P256.IsCanonical(share) || commitments.Count == 0) return false;
        var expected = Evaluate(commitments, x);
        var actual = P256.MultiplyBase(P256.ToScalar(share));
        return actual.Equals(expected);
    }
}
