using System.Security.Cryptography;
using Custos.Crypto.Primitives;

namespace Custos.Crypto.Sharing;

/// <summary>
/// Shamir secret sharing (Shamir 1979, "How to share a secret") over GF(2^8), reduction polynomial
/// 0x11B, with authenticated shares.
/// <list type="bullet">
/// <item>Secret: 1 to 64 bytes of high-entropy key material (each tag lets its holder test guesses of the secret).</item>
/// <item>Shares: 1 to 255, x-coordinates 1..N; threshold 1 ≤ k ≤ N (k = 1 is the 1-of-1 dev mode).</item>
/// <item>One random polynomial of degree k − 1 per secret byte, constant term = that byte,
/// coefficients from <see cref="RandomNumberGenerator"/>; field multiply in constant time.</item>
/// <item>Each share carries an HMAC-SHA-256 tag keyed with HKDF-SHA-256(secret, info
/// "custos/shamir/v1/share-auth"); see <see cref="Share"/> for the layout.</item>
/// </list>
/// <see cref="Combine"/> either returns the original secret or throws <see cref="ShareException"/>.
/// </summary>
public static class Shamir
{
    /// <summary>Longest secret in bytes.</summary>
    public const int MaxSecretLength = Share.MaxSecretLength;

    /// <summary>Most shares in one split.</summary>
    public const int MaxShares = 255;

    /// <summary>Longest key id in characters.</summary>
    public const int MaxKeyIdLength = Share.MaxKeyIdLength;

    private static ReadOnlySpan<byte> AuthInfo => "custos/shamir/v1/share-auth"u8;

    /// <summary>
    /// Splits <paramref name="secret"/> into <paramref name="shares"/> shares, any
    /// <paramref name="threshold"/> of which recover it. <paramref name="keyId"/> (1 to 64 visible
    /// ASCII characters) names the key and is bound into every share. Misuse throws <see cref="ArgumentException"/>.
    /// </summary>
    public static IReadOnlyList<Share> Split(ReadOnlySpan<byte> secret, int shares, int threshold, string keyId)
    {
        if (secret.Length is < 1 or > MaxSecretLength)
            throw new ArgumentException($"secret must be 1 to {MaxSecretLength} bytes", nameof(secret));
        if (shares is < 1 or > MaxShares)
            throw new ArgumentOutOfRangeException(nameof(shares), shares, $"shares must be 1 to {MaxShares}");
        if (threshold < 1 || threshold > shares)
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"threshold must be 1 to {shares} (the number of shares)");
        CheckKeyId(keyId);

        int len = secret.Length;
        byte[] ys = GC.AllocateArray<byte>(shares * len, pinned: true);
        byte[] coefficients = GC.AllocateArray<byte>(threshold, pinned: true);
        byte[] authKey = GC.AllocateArray<byte>(Hkdf.HashSize, pinned: true);
        var result = new List<Share>(shares);
        try
        {
            for (int i = 0; i < len; i++)
            {
                coefficients[0] = secret[i];
                RandomNumberGenerator.Fill(coefficients.AsSpan(1));
                for (int j = 0; j < shares; j++)
                    ys[j * len + i] = Evaluate(coefficients, (byte)(j + 1));
            }

            Hkdf.DeriveKey(secret, default, AuthInfo, authKey);
            for (int j = 0; j < shares; j++)
            {
                var y = ys.AsSpan(j * len, len);
                byte[] tag = new byte[Share.TagSize];
                Share.ComputeTag(authKey, keyId, threshold, j + 1, y, tag);
                result.Add(new Share(keyId, threshold, j + 1, SecretBytes.CopyFrom(y), tag));
            }
            return result.AsReadOnly();
        }
        catch
        {
            foreach (var s in result) s.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ys);
            CryptographicOperations.ZeroMemory(coefficients);
            CryptographicOperations.ZeroMemory(authKey);
        }
    }

    /// <summary>
    /// Recovers the secret of key <paramref name="keyId"/>. All shares must carry that key id,
    /// the same threshold and length, distinct non-zero indexes, and be at least threshold in number.
    /// The first <c>threshold</c> shares (in the order given) are interpolated; then EVERY share given
    /// is authenticated against the result, so a forged or corrupt share is reported even when it
    /// was not needed. Any failure throws <see cref="ShareException"/>; a wrong secret is never returned.
    /// The caller keeps ownership of the shares.
    /// </summary>
    public static SecretBytes Combine(IEnumerable<Share> shares, string keyId)
    {
        ArgumentNullException.ThrowIfNull(shares);
        CheckKeyId(keyId);
        var list = shares.ToList();
        if (list.Count == 0) throw new ShareException("no shares given");
        if (list.Any(s => s is null)) throw new ArgumentException("the share list contains null", nameof(shares));

        int threshold = list[0].Threshold;
        int len = list[0].Length;
        var seen = new bool[256];
        foreach (var s in list)
        {
            if (!string.Equals(s.KeyId, keyId, StringComparison.Ordinal))
                throw new ShareException($"share {s.Index} is for root key {s.KeyId}, expected {keyId}");
            if (s.Threshold != threshold)
                throw new ShareException($"shares come from different splits: thresholds {threshold} and {s.Threshold}");
            if (s.Length != len)
                throw new ShareException($"shares come from different splits: secret lengths {len} and {s.Length}");
            if (s.Index is < 1 or > MaxShares)
                throw new ShareException($"share index {s.Index} is invalid: indexes are 1 to {MaxShares}");
            if (seen[s.Index])
                throw new ShareException($"duplicate share index {s.Index}");
            seen[s.Index] = true;
        }
        if (list.Count < threshold)
            throw new ShareException($"{list.Count} share{(list.Count == 1 ? "" : "s")} given, {threshold} needed");

        var secret = SecretBytes.Allocate(len);
        byte[] authKey = GC.AllocateArray<byte>(Hkdf.HashSize, pinned: true);
        try
        {
            Interpolate(list.GetRange(0, threshold), secret.RevealForWrite());
            Hkdf.DeriveKey(secret.Reveal(), default, AuthInfo, authKey);
            bool allValid = true;
            foreach (var s in list)
                allValid &= s.VerifyTag(authKey); // no short cut: every share is checked
            if (!allValid)
                throw new ShareException("share authentication failed: a share is forged or corrupt");
            return secret;
        }
        catch
        {
            secret.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(authKey);
        }
    }

    /// <summary>Horner's rule: c0 + x·(c1 + x·(c2 + ...)).</summary>
    private static byte Evaluate(ReadOnlySpan<byte> coefficients, byte x)
    {
        byte acc = coefficients[^1];
        for (int d = coefficients.Length - 2; d >= 0; d--)
            acc = (byte)(GF256.Mul(acc, x) ^ coefficients[d]);
        return acc;
    }

    /// <summary>Lagrange interpolation at x = 0, byte by byte. The x-coordinates are public and distinct.</summary>
    private static void Interpolate(List<Share> shares, Span<byte> output)
    {
        output.Clear();
        for (int j = 0; j < shares.Count; j++)
        {
            // basis_j(0) = Π_{m≠j} x_m / (x_m − x_j); subtraction in GF(2^8) is XOR.
            byte basis = 1;
            byte xj = (byte)shares[j].Index;
            for (int m = 0; m < shares.Count; m++)
            {
                if (m == j) continue;
                byte xm = (byte)shares[m].Index;
                basis = GF256.Mul(basis, GF256.Mul(xm, GF256.Inverse((byte)(xm ^ xj))));
            }
            var y = shares[j].RevealY();
            for (int i = 0; i < output.Length; i++)
                output[i] ^= GF256.Mul(basis, y[i]);
        }
    }

    private static void CheckKeyId(string keyId)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        if (!Share.IsValidKeyId(keyId))
            throw new ArgumentException($"key id must be 1 to {MaxKeyIdLength} visible ASCII characters", nameof(keyId));
    }
}
