using System.Buffers.Text;
using System.Security.Cryptography;
using Custos.Crypto.Sharing;

namespace Custos.Crypto.Tests.Sharing;

public sealed class ShamirTests
{
    private const string KeyId = "root";

    private static byte[] RandomSecret(int length = 32) => RandomNumberGenerator.GetBytes(length);

    private static void AssertCombines(byte[] secret, IEnumerable<Share> shares)
    {
        using var recovered = Shamir.Combine(shares, KeyId);
        Assert.Equal(secret, recovered.Reveal().ToArray());
    }

    private static ShareException AssertRejected(IEnumerable<Share> shares, string keyId = KeyId) =>
        Assert.Throws<ShareException>(() => Shamir.Combine(shares, keyId));

    /// <summary>Every subset of <paramref name="n"/> indexes with at least <paramref name="k"/> members (bit masks).</summary>
    private static IEnumerable<int[]> SubsetsOfAtLeast(int n, int k) =>
        Enumerable.Range(1, (1 << n) - 1)
            .Select(mask => Enumerable.Range(0, n).Where(i => (mask & (1 << i)) != 0).ToArray())
            .Where(s => s.Length >= k);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(5, 3)]
    [InlineData(5, 5)]
    [InlineData(7, 4)]
    [InlineData(10, 10)]
    public void Every_subset_of_at_least_k_shares_recovers_the_secret(int n, int k)
    {
        byte[] secret = RandomSecret();
        var shares = Shamir.Split(secret, n, k, KeyId);
        Assert.Equal(n, shares.Count);
        Assert.Equal(Enumerable.Range(1, n), shares.Select(s => s.Index));
        Assert.All(shares, s => Assert.Equal(k, s.Threshold));
        foreach (var subset in SubsetsOfAtLeast(n, k))
        {
            AssertCombines(secret, subset.Select(i => shares[i]));
            AssertCombines(secret, subset.Reverse().Select(i => shares[i]));
        }
    }

    [Theory]
    [InlineData(255)]
    [InlineData(128)]
    [InlineData(2)]
    public void Split_into_255_shares_works(int k)
    {
        byte[] secret = RandomSecret();
        var shares = Shamir.Split(secret, 255, k, KeyId);
        Assert.Equal(Enumerable.Range(1, 255), shares.Select(s => s.Index));
        AssertCombines(secret, shares);
        AssertCombines(secret, shares.Reverse().Take(k));
    }

    [Fact]
    public void One_of_one_dev_mode_round_trips()
    {
        byte[] secret = RandomSecret();
        var shares = Shamir.Split(secret, 1, 1, KeyId);
        AssertCombines(secret, shares);
    }

    [Fact]
    public void Fewer_than_k_shares_are_rejected()
    {
        var shares = Shamir.Split(RandomSecret(), 5, 3, KeyId);
        Assert.Equal("2 shares given, 3 needed", AssertRejected(shares.Take(2)).Message);
        Assert.Equal("1 share given, 3 needed", AssertRejected(shares.Skip(4)).Message);
        Assert.Equal("no shares given", AssertRejected([]).Message);
    }

    [Fact]
    public void Duplicate_index_is_rejected()
    {
        var shares = Shamir.Split(RandomSecret(), 5, 3, KeyId);
        Assert.Equal("duplicate share index 2", AssertRejected([shares[0], shares[1], shares[1]]).Message);
        using var copy = Share.Parse(shares[1].Encode());
        Assert.Equal("duplicate share index 2", AssertRejected([shares[1], copy, shares[2]]).Message);
    }

    [Fact]
    public void Index_zero_is_rejected()
    {
        var shares = Shamir.Split(RandomSecret(), 3, 2, KeyId);
        using var zero = new Share(KeyId, 2, 0, SecretBytes.CopyFrom(new byte[32]), new byte[32]);
        var e = AssertRejected([shares[0], zero]);
        Assert.Contains("index 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shares_for_another_key_are_rejected()
    {
        byte[] secret = RandomSecret();
        var shares = Shamir.Split(secret, 3, 2, "other-key");
        Assert.Equal("share 1 is for root key other-key, expected root", AssertRejected(shares).Message);
        var mine = Shamir.Split(secret, 3, 2, KeyId);
        Assert.Equal("share 3 is for root key other-key, expected root", AssertRejected([mine[0], shares[2]]).Message);
    }

    [Fact]
    public void Mixed_thresholds_are_rejected()
    {
        byte[] secret = RandomSecret();
        var twoOfThree = Shamir.Split(secret, 3, 2, KeyId);
        var threeOfThree = Shamir.Split(secret, 3, 3, KeyId);
        var e = AssertRejected([twoOfThree[0], threeOfThree[1], threeOfThree[2]]);
        Assert.Contains("thresholds 2 and 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mixed_secret_lengths_are_rejected()
    {
        var a = Shamir.Split(RandomSecret(16), 3, 2, KeyId);
        var b = Shamir.Split(RandomSecret(32), 3, 2, KeyId);
        Assert.Contains("secret lengths", AssertRejected([a[0], b[1]]).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shares_of_two_splits_of_the_same_key_do_not_combine()
    {
        byte[] secret = RandomSecret();
        var first = Shamir.Split(secret, 3, 2, KeyId);
        var second = Shamir.Split(secret, 3, 2, KeyId);
        Assert.Equal("share authentication failed: a share is forged or corrupt", AssertRejected([first[0], second[1]]).Message);
    }

    /// <summary>
    /// Flip each byte of one share's binary form in turn: every change is caught, either by Parse
    /// (malformed) or by Combine, and a wrong secret is never returned. Done with the forged share
    /// among the k interpolated and as an extra share beyond k (then only its tag catches it).
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Any_flipped_byte_in_a_share_is_caught(int forgedPosition)
    {
        byte[] secret = RandomSecret();
        var shares = Shamir.Split(secret, 5, 3, KeyId).ToList();
        byte[] binary = Base64Url.DecodeFromChars(shares[forgedPosition].Encode().AsSpan(Share.TextPrefix.Length));
        int yStart = 2 + KeyId.Length + 3;
        for (int pos = 0; pos < binary.Length; pos++)
        {
            foreach (byte mask in new byte[] { 0x01, 0x80, 0xFF })
            {
                byte[] forgedBinary = (byte[])binary.Clone();
                forgedBinary[pos] ^= mask;
                Share forged;
                try { forged = Share.Parse(Share.TextPrefix + Base64Url.EncodeToString(forgedBinary)); }
                catch (ShareException) { continue; } // caught at parse time
                using (forged)
                {
                    var set = shares.ToList();
                    set[forgedPosition] = forged;
                    var e = Assert.Throws<ShareException>(() => Shamir.Combine(set.Take(forgedPosition < 3 ? 3 : 4), KeyId));
                    if (pos >= yStart)
                        Assert.Equal("share authentication failed: a share is forged or corrupt", e.Message);
                }
            }
        }
        AssertCombines(secret, shares); // the originals are untouched
    }

    [Fact]
    public void Every_y_byte_of_a_share_is_authenticated()
    {
        byte[] secret = RandomSecret(64);
        var shares = Shamir.Split(secret, 3, 3, KeyId);
        var binary = Base64Url.DecodeFromChars(shares[1].Encode().AsSpan(Share.TextPrefix.Length));
        int yStart = 2 + KeyId.Length + 3;
        for (int i = 0; i < secret.Length; i++)
        {
            byte[] forgedBinary = (byte[])binary.Clone();
            forgedBinary[yStart + i] ^= 0x01;
            using var forged = Share.Parse(Share.TextPrefix + Base64Url.EncodeToString(forgedBinary));
            var e = AssertRejected([shares[0], forged, shares[2]]);
            Assert.Equal("share authentication failed: a share is forged or corrupt", e.Message);
        }
    }

    [Fact]
    public void Random_secrets_shapes_and_subsets_round_trip()
    {
        var rng = new Random(20240601);
        for (int round = 0; round < 300; round++)
        {
            byte[] secret = new byte[rng.Next(1, Shamir.MaxSecretLength + 1)];
            rng.NextBytes(secret);
            int n = rng.Next(1, 21);
            int k = rng.Next(1, n + 1);
            var shares = Shamir.Split(secret, n, k, KeyId);
            var subset = shares.OrderBy(_ => rng.Next()).Take(rng.Next(k, n + 1)).ToList();
            using var recovered = Shamir.Combine(subset, KeyId);
            Assert.True(secret.AsSpan().SequenceEqual(recovered.Reveal()), $"round {round}: {k}-of-{n}, {secret.Length} bytes, {subset.Count} shares");
            if (k > 1)
                Assert.Throws<ShareException>(() => Shamir.Combine(subset.Take(k - 1), KeyId));
            foreach (var s in shares) s.Dispose();
        }
    }

    [Theory]
    [InlineData(0, 3, 2, "root")]
    [InlineData(65, 3, 2, "root")]
    [InlineData(32, 0, 1, "root")]
    [InlineData(32, 256, 2, "root")]
    [InlineData(32, 3, 0, "root")]
    [InlineData(32, 3, 4, "root")]
    [InlineData(32, 3, 2, "")]
    [InlineData(32, 3, 2, "has space")]
    [InlineData(32, 3, 2, "naïve")]
    public void Split_rejects_bad_parameters(int secretLength, int n, int k, string keyId)
    {
        Assert.ThrowsAny<ArgumentException>(() => Shamir.Split(new byte[secretLength], n, k, keyId));
    }

    [Fact]
    public void Split_accepts_the_limits()
    {
        byte[] secret = RandomSecret(64);
        string keyId = new('k', 64);
        var shares = Shamir.Split(secret, 2, 2, keyId);
        using var recovered = Shamir.Combine(shares, keyId);
        Assert.Equal(secret, recovered.Reveal().ToArray());
        Assert.ThrowsAny<ArgumentException>(() => Shamir.Split(secret, 2, 2, new string('k', 65)));
    }

    [Fact]
    public void Shares_of_one_secret_differ_between_splits()
    {
        byte[] secret = RandomSecret();
        var a = Shamir.Split(secret, 3, 2, KeyId);
        var b = Shamir.Split(secret, 3, 2, KeyId);
        Assert.NotEqual(a[0].Encode(), b[0].Encode());
    }
}
