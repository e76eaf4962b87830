using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;
using Org.BouncyCastle.Utilities;

namespace Custos.Crypto.Threshold;

/// <summary>
/// The group threshold custody works in: NIST P-256 (secp256r1; SEC 2 §2.4.2, FIPS 186-5 §3.2.1.3), prime order
/// n, cofactor 1. Every field and curve operation is BouncyCastle's specialised P-256 implementation
/// (<c>CustomNamedCurves</c> → <c>SecP256R1Curve</c>, the same parameters as <c>ECNamedCurveTable "secp256r1"</c>);
/// this type names the few operations the threshold code uses and converts scalars between their 32-byte
/// big-endian form and BouncyCastle's <see cref="BigInteger"/>.
/// <para>
/// Zeroing: secret scalars live in <see cref="SecretBytes"/>. BouncyCastle computes on <see cref="BigInteger"/>,
/// which is immutable and cannot be cleared, so each multiplication by a secret leaves a garbage-collected copy of
/// the scalar (and of intermediate points) until the collector reuses the memory. That is the one place zeroing is
/// not possible; callers keep the byte form and make the BigInteger as late as possible.
/// </para>
/// </summary>
internal static class P256
{
    /// <summary>Bytes in a scalar or a field element.</summary>
    public const int ScalarSize = 32;

    private static readonly X9ECParameters Parameters = CustomNamedCurves.GetByName("secp256r1");
    private static readonly FixedPointCombMultiplier BaseMultiplier = new();

    /// <summary>The curve.</summary>
    public static ECCurve Curve => Parameters.Curve;

    /// <summary>The base point G, normalised.</summary>
    public static ECPoint G { get; } = Parameters.G.Normalize();

    /// <summary>The prime order n of G.</summary>
    public static BigInteger N => Parameters.N;

    /// <summary>The cofactor h (1 for P-256).</summary>
    public static BigInteger Cofactor => Parameters.H;

    /// <summary>k·G with BouncyCastle's fixed-base comb (the multiplier its own key generation uses).</summary>
    public static ECPoint MultiplyBase(BigInteger k) => BaseMultiplier.Multiply(G, k).Normalize();

    /// <summary>
    /// k·P for a secret scalar k, computed as (k + ρ·n)·P with a fresh random 128-bit ρ (scalar blinding, Coron,
    /// CHES 1999). BouncyCastle's variable-base multiplier (wNAF) is not constant-time; blinding gives each call a
    /// different digit pattern, so timing across many requests does not line up with the bits of k. The result is
    /// the same because P has order n. A mitigation, not a constant-time guarantee.
    /// </summary>
    public static ECPoint MultiplySecret(ECPoint p, BigInteger k)
    {
        Span<byte> rho = stackalloc byte[16];
        System.Security.Cryptography.RandomNumberGenerator.Fill(rho);
        var blinded = k.Add(new BigInteger(1, rho).Multiply(N));
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(rho);
        return p.Multiply(blinded).Normalize();
    }

    /// <summary>a·P + b·Q (Shamir's trick inside BouncyCastle).</summary>
    public static ECPoint SumOfTwoMultiplies(ECPoint p, BigInteger a, ECPoint q, BigInteger b) =>
        ECAlgorithms.SumOfTwoMultiplies(p, a, q, b).Normalize();

    /// <summary>Σ scalars[i]·points[i].</summary>
    public static ECPoint SumOfMultiplies(ECPoint[] points, BigInteger[] scalars) =>
        ECAlgorithms.SumOfMultiplies(points, scalars).Normalize();

    /// <summary>A scalar from 32 big-endian bytes (not reduced: check with <see cref="IsCanonical"/> first).</summary>
    public static BigInteger ToScalar(ReadOnlySpan<byte> bytes) => new(1, bytes);

    /// <summary>Writes 0 ≤ <paramref name="k"/> &lt; n as 32 big-endian bytes.</summary>
    public static void WriteScalar(BigInteger k, Span<byte> destination)
    {
        if (destination.Length != ScalarSize) throw new ArgumentException("a scalar is 32 bytes", nameof(destination));
        BigIntegers.AsUnsignedByteArray(k, destination);
    }

    /// <summary>True when <paramref name="bytes"/> is 32 bytes encoding a value below n (zero allowed).</summary>
    public static bool IsCanonical(ReadOnlySpan<byte> bytes) =>
        bytes.Length == ScalarSize && bytes.SequenceCompareTo(OrderBytes) < 0;

    /// <summary>True when <paramref name="bytes"/> is 32 bytes encoding 1 ≤ value &lt; n.</summary>
    public static bool IsCanonicalNonZero(ReadOnlySpan<byte> bytes) =>
        IsCanonical(bytes) && bytes.IndexOfAnyExcept((byte)0) >= 0;

    /// <summary>Fills <paramref name="destination"/> (32 bytes) with a uniform scalar in [1, n−1] from the system CSPRNG (rejection sampling).</summary>
    public static void RandomScalar(Span<byte> destination)
    {
        if (destination.Length != ScalarSize) throw new ArgumentException("a scalar is 32 bytes", nameof(destination));
        do System.Security.Cryptography.RandomNumberGenerator.Fill(destination);
        while (!IsCanonicalNonZero(destination));
    }

    /// <summary>The field prime p.</summary>
    public static BigInteger FieldPrime => Curve.Field.Characteristic;

    private static readonly byte[] OrderBytes = BigIntegers.AsUnsignedByteArray(ScalarSize, Parameters.N);
}
