using Org.BouncyCastle.Math;

namespace Custos.Crypto.Threshold;

/// <summary>
/// Lagrange coefficients at zero over the scalars mod n: for distinct non-zero x-coordinates S,
/// <code>λ_i = Π_{j ∈ S, j ≠ i} x_j / (x_j − x_i)  mod n</code>
/// so that f(0) = Σ λ_i·f(x_i) for any polynomial of degree below |S| — and, in the exponent,
/// f(0)·E = Σ λ_i·(f(x_i)·E). Public values: the x-coordinates are participant indexes.
/// </summary>
internal static class Lagrange
{
    /// <summary>The coefficients λ_i for <paramref name="xs"/>, in the same order. Throws on duplicates or zero.</summary>
    public static BigInteger[] AtZero(IReadOnlyList<int> xs)
    {
        if (xs.Distinct().Count() != xs.Count || xs.Any(x => x <= 0))
            throw new ArgumentException("Lagrange interpolation needs distinct, positive x-coordinates", nameof(xs));
        var n = P256.N;
        var result = new BigInteger[xs.Count];
        for (int i = 0; i < xs.Count; i++)
        {
            var numerator = BigInteger.One;
            var denominator = BigInteger.One;
            var xi = BigInteger.ValueOf(xs[i]);
            for (int j = 0; j < xs.Count; j++)
            {
                if (j == i) continue;
                var xj = BigInteger.ValueOf(xs[j]);
                numerator = numerator.Multiply(xj).Mod(n);
                denominator = denominator.Multiply(xj.Subtract(xi)).Mod(n);
            }
            result[i] = numerator.Multiply(denominator.ModInverse(n)).Mod(n);
        }
        return result;
    }
}
