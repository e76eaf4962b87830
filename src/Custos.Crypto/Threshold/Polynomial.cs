using Org.BouncyCastle.Math;

namespace Custos.Crypto.Threshold;

/// <summary>
/// A secret polynomial f(x) = a₀ + a₁x + … + a_{k−1}x^{k−1} over the scalars mod n, as a dealer holds it.
/// Coefficients live in one <see cref="SecretBytes"/> (k × 32 bytes, big-endian), zeroed on dispose; a₁…a_{k−1}
/// are uniform in [1, n−1] from the system CSPRNG. Evaluation makes short-lived <see cref="BigInteger"/> copies
/// (see <see cref="P256"/> on zeroing).
/// </summary>
internal sealed class Polynomial : IDisposable
{
    private readonly SecretBytes _coefficients;

    private Polynomial(SecretBytes coefficients) => _coefficients = coefficients;

    /// <summary>k, the number of coefficients (degree + 1).</summary>
    public int Threshold => _coefficients.Length / P256.ScalarSize;

    /// <summary>A random polynomial with k coefficients, all uniform in [1, n−1].</summary>
    public static Polynomial Random(int threshold) => Create(threshold, default);

    /// <summary>A random polynomial with k coefficients whose constant term is <paramref name="constantTerm"/> (32 bytes, 1 ≤ a₀ &lt; n).</summary>
    public static Polynomial WithConstantTerm(int threshold, ReadOnlySpan<byte> constantTerm)
    {
        if (!P256.IsCanonicalNonZero(constantTerm)) throw new ArgumentException("the constant term must be a scalar in [1, n−1]", nameof(constantTerm));
        return Create(threshold, constantTerm);
    }

    private static Polynomial Create(int threshold, ReadOnlySpan<byte> constantTerm)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        var coefficients = SecretBytes.Allocate(threshold * P256.ScalarSize);
        var c = coefficients.RevealForWrite();
        for (int j = 0; j < threshold; j++)
            P256.RandomScalar(c.Slice(j * P256.ScalarSize, P256.ScalarSize));
        if (!constantTerm.IsEmpty) constantTerm.CopyTo(c);
        return new Polynomial(coefficients);
    }

    /// <summary>Writes f(<paramref name="x"/>) mod n (32 bytes) into <paramref name="destination"/>, by Horner's rule.</summary>
    public void Evaluate(int x, Span<byte> destination)
    {
        var n = P256.N;
        var bx = BigInteger.ValueOf(x);
        var c = _coefficients.Reveal();
        var acc = BigInteger.Zero;
        for (int j = Threshold - 1; j >= 0; j--)
            acc = acc.Multiply(bx).Add(P256.ToScalar(c.Slice(j * P256.ScalarSize, P256.ScalarSize))).Mod(n);
        P256.WriteScalar(acc, destination);
    }

    /// <summary>The Feldman commitments C_j = a_j·G, j = 0 … k−1.</summary>
    public P256Point[] Commit()
    {
        var c = _coefficients.Reveal();
        var commitments = new P256Point[Threshold];
        for (int j = 0; j < commitments.Length; j++)
            commitments[j] = P256Point.FromComputation(P256.MultiplyBase(P256.ToScalar(c.Slice(j * P256.ScalarSize, P256.ScalarSize))));
        return commitments;
    }

    /// <summary>Zeroes the coefficients.</summary>
    public void Dispose() => _coefficients.Dispose();
}
