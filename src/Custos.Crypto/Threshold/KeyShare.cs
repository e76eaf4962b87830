using Org.BouncyCastle.Math;

namespace Custos.Crypto.Threshold;

/// <summary>
/// Spec card — one custodian's share of a threshold key: the participant index i (1 … 255, the x-coordinate) and
/// the secret scalar s_i = f(i) (32 bytes big-endian, 1 ≤ s_i &lt; n) of the group's sharing polynomial, with the
/// public share P_i = s_i·G that the group records for i (<see cref="ThresholdGroup.PublicShare"/>).
/// <para>
/// The scalar lives in a <see cref="SecretBytes"/>, zeroed on <see cref="Dispose"/>; prints as <c>[redacted]</c>.
/// The only way to its bytes is <see cref="RevealScalar"/> (for sealing at rest); <see cref="FromScalar"/> brings
/// them back. Made by <see cref="Dkg.Recipient.Finish"/> (key generation or resharing). No type in this library
/// ever holds the group's private key s = f(0).
/// </para>
/// </summary>
public sealed class KeyShare : IDisposable
{
    /// <summary>Bytes in the secret scalar.</summary>
    public const int ScalarSize = P256.ScalarSize;

    /// <summary>Highest participant index.</summary>
    public const int MaxIndex = 255;

    private readonly SecretBytes _scalar;

    private KeyShare(int index, SecretBytes scalar)
    {
        Index = index;
        _scalar = scalar;
        PublicShare = P256Point.FromComputation(P256.MultiplyBase(Scalar()));
    }

    /// <summary>The participant index i (the x-coordinate of the share), 1 … 255.</summary>
    public int Index { get; }

    /// <summary>P_i = s_i·G: compare with <see cref="ThresholdGroup.PublicShare"/> to check the share belongs to the group.</summary>
    public P256Point PublicShare { get; }

    /// <summary>
    /// A share from its index and 32-byte scalar (copied; the caller zeroes its own buffer). Misuse throws
    /// <see cref="ArgumentException"/>: an index outside 1 … 255, a scalar that is not 32 bytes or not in [1, n−1].
    /// </summary>
    public static KeyShare FromScalar(int index, ReadOnlySpan<byte> scalar)
    {
        CheckIndex(index, nameof(index));
        if (!P256.IsCanonicalNonZero(scalar)) throw new ArgumentException("a key share scalar is 32 bytes, 1 ≤ s < n", nameof(scalar));
        return new KeyShare(index, SecretBytes.CopyFrom(scalar));
    }

    /// <summary>Takes ownership of <paramref name="scalar"/>; null (and the buffer disposed) when it is zero.</summary>
    internal static KeyShare? Take(int index, SecretBytes scalar)
    {
        if (!P256.IsCanonicalNonZero(scalar.Reveal()))
        {
            scalar.Dispose();
            return null;
        }
        return new KeyShare(index, scalar);
    }

    /// <summary>The secret scalar (32 bytes). Every call site handles key material: seal it, never log it.</summary>
    public ReadOnlySpan<byte> RevealScalar() => _scalar.Reveal();

    /// <summary>The scalar as BouncyCastle needs it; an immutable copy that cannot be zeroed (see <see cref="P256"/>).</summary>
    internal BigInteger Scalar() => P256.ToScalar(_scalar.Reveal());

    /// <summary>Zeroes the scalar.</summary>
    public void Dispose() => _scalar.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"key share {Index} [redacted]";

    internal static void CheckIndex(int index, string paramName)
    {
        if (index is < 1 or > MaxIndex)
            throw new ArgumentOutOfRangeException(paramName, index, $"participant indexes are 1 to {MaxIndex}");
    }
}
