using System.Security.Cryptography;

namespace Custos.Crypto.Threshold;

/// <summary>
/// Spec card — non-interactive Chaum–Pedersen proof (Chaum and Pedersen, CRYPTO '92) that a custodian used the
/// share behind its public share: log_G(P_i) = log_E(D_i) = s_i, made non-interactive with Fiat–Shamir over a
/// domain-separated SHA-256 transcript.
/// <code>
/// prove   r uniform in [1, n−1];  R1 = r·G;  R2 = r·E
///         c = SHA-256("custos/threshold/partial-proof/v1" | keyRef | index u8 | P_i 33 | E 33 | D_i 33 | R1 33 | R2 33)
///         z = r + (c mod n)·s_i  mod n
/// proof   { c 32 | z 32 (big-endian, below n) }
/// verify  R1' = z·G − c·P_i;  R2' = z·E − c·D_i  (neither the identity);  accept iff SHA-256(… R1' | R2') = c
/// keyRef  { keyIdLen u8 | keyId | keyVersion u32 } (see <see cref="KeyBinding"/>); points SEC 1 compressed
/// </code>
/// Binding key id, version, index, E, P_i and D_i means a proof cannot be replayed for another key, another
/// ephemeral point, another custodian or another generation of shares. The nonce r comes from the system CSPRNG
/// and lives in a <see cref="SecretBytes"/> (its BigInteger copy cannot be zeroed, see <see cref="P256"/>).
/// </summary>
internal static class ChaumPedersen
{
    public const int ProofSize = 2 * P256.ScalarSize;

    private static ReadOnlySpan<byte> Label => "custos/threshold/partial-proof/v1"u8;

    public static void Prove(KeyShare share, P256Point ephemeral, P256Point partial, byte[] keyRef, Span<byte> proof)
    {
        var n = P256.N;
        using var nonce = SecretBytes.Allocate(P256.ScalarSize);
        P256.RandomScalar(nonce.RevealForWrite());
        var r = P256.ToScalar(nonce.Reveal());
        var r1 = P256Point.FromComputation(P256.MultiplyBase(r));
        var r2 = P256Point.FromComputation(P256.MultiplySecret(ephemeral.Value, r));
        Span<byte> c = proof[..P256.ScalarSize];
        Challenge(keyRef, share.Index, share.PublicShare, ephemeral, partial, r1, r2, c);
        var z = r.Add(P256.ToScalar(c).Mod(n).Multiply(share.Scalar())).Mod(n);
        P256.WriteScalar(z, proof[P256.ScalarSize..]);
    }

    public static bool Verify(int index, P256Point publicShare, P256Point ephemeral, P256Point partial, byte[] keyRef, ReadOnlySpan<byte> proof)
    {
        if (proof.Length != ProofSize) return false;
        var cBytes = proof[..P256.ScalarSize];
        var zBytes = proof[P256.ScalarSize..];
        if (!P256.IsCanonical(zBytes)) return false;
        var n = P256.N;
        var z = P256.ToScalar(zBytes);
        var minusC = n.Subtract(P256.ToScalar(cBytes).Mod(n)).Mod(n);
        var r1 = P256Point.FromComputationOrNull(P256.SumOfTwoMultiplies(P256.G, z, publicShare.Value, minusC));
        var r2 = P256Point.FromComputationOrNull(P256.SumOfTwoMultiplies(ephemeral.Value, z, partial.Value, minusC));
        if (r1 is null || r2 is null) return false;
        Span<byte> expected = stackalloc byte[P256.ScalarSize];
        Challenge(keyRef, index, publicShare, ephemeral, partial, r1, r2, expected);
        return CryptographicOperations.FixedTimeEquals(expected, cBytes);
    }

    private static void Challenge(byte[] keyRef, int index, P256Point publicShare, P256Point ephemeral, P256Point partial,
        P256Point r1, P256Point r2, Span<byte> destination)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Label);
        hash.AppendData(keyRef);
        hash.AppendData([(byte)index]);
        foreach (var point in (ReadOnlySpan<P256Point>)[publicShare, ephemeral, partial, r1, r2])
            hash.AppendData(point.Compressed);
        hash.GetHashAndReset(destination);
    }
}
