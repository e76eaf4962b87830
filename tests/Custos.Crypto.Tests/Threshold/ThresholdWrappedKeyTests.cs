using System.Buffers.Binary;
using System.Security.Cryptography;
using Custos.Crypto.Threshold;

namespace Custos.Crypto.Tests.Threshold;

public sealed class ThresholdWrappedKeyTests
{
    private static readonly byte[] KeyId = "key-7f3a"u8.ToArray();
    private static readonly byte[] Context = EncryptionContext.From(new Dictionary<string, string> { ["tenant"] = "acme", ["bucket"] = "invoices" }).ToCanonicalArray();

    private static UnwrapResult UnwrapWith(ThresholdGroup group, ThresholdWrappedKey wrapped, IEnumerable<KeyShare> custodians,
        int keyVersion = 1, byte[]? context = null, byte[]? keyId = null)
    {
        var partials = custodians.Select(s => PartialDecryption.Compute(s, wrapped.Ephemeral, keyId ?? KeyId, keyVersion));
        return ThresholdCombiner.Unwrap(group, wrapped, keyId ?? KeyId, keyVersion, context ?? Context, partials);
    }

    [Theory]
    [InlineData(2, 3)]
    [InlineData(3, 5)]
    public void Every_k_subset_of_custodians_unwraps_in_any_order(int k, int n)
    {
        using var run = ThresholdKit.Generate(k, n);
        var dek = RandomNumberGenerator.GetBytes(32);
        var wrapped = ThresholdWrappedKey.Wrap(run.Group.PublicKey, dek, KeyId, 1, Context);
        foreach (var subset in ThresholdKit.Subsets(run.Shares, k))
        {
            foreach (var order in new[] { subset, subset.Reverse().ToArray() })
            {
                using var result = UnwrapWith(run.Group, wrapped, order);
                Assert.True(result.Succeeded, result.Message);
                Assert.Equal(dek, result.DataKey!.Reveal().ToArray());
                Assert.Equal(order.Select(s => s.Index), result.Combined);
                Assert.Empty(result.Rejections);
            }
        }
    }

    [Fact]
    public void The_blob_follows_its_spec_card_as_checked_with_dotnet_ECDH_HKDF_and_AES_GCM()
    {
        using var run = ThresholdKit.Generate(2, 3);
        var dek = RandomNumberGenerator.GetBytes(32);
        var blob = ThresholdWrappedKey.Wrap(run.Group.PublicKey, dek, KeyId, 9, Context).Encode();

        // { version 1 | E 33 | nonce 12 | ciphertext 32 | tag 16 }
        Assert.Equal(1 + 33 + 12 + 32 + 16, blob.Length);
        Assert.Equal(ThresholdWrappedKey.Overhead + dek.Length, blob.Length);
        Assert.Equal(1, blob[0]);
        var e = P256Point.TryDecode(blob.AsSpan(1, 33))!;

        // Everything below is the spec card, implemented again with .NET only and the private key rebuilt for this test.
        var d = ThresholdKit.ReconstructPrivateKeyForTestOnly(run.Shares.Take(2));
        var z = ThresholdKit.DotNetSharedSecret(d, e.EncodeUncompressed());
        CryptographicOperations.ZeroMemory(d);
        byte[] version = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(version, 9);
        byte[] contextLength = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(contextLength, (ushort)Context.Length);
        byte[] bind = [(byte)KeyId.Length, .. KeyId, .. version, .. contextLength, .. Context];
        byte[] info = [.. "custos/threshold-wrap/v1"u8, .. blob.AsSpan(1, 33), .. run.Group.PublicKey.Encode(), .. SHA256.HashData(bind)];
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, z, 32, salt: [], info: info);
        var plaintext = new byte[32];
        using (var gcm = new AesGcm(key, 16))
            gcm.Decrypt(blob.AsSpan(34, 12), blob.AsSpan(46, 32), blob.AsSpan(78, 16), plaintext, [.. blob.AsSpan(0, 46), .. bind]);
        Assert.Equal(dek, plaintext);
    }

    [Fact]
    public void Changing_any_byte_of_the_blob_makes_it_fail_as_invalid_ciphertext_and_nothing_else()
    {
        using var run = ThresholdKit.Generate(2, 3);
        var blob = ThresholdWrappedKey.Wrap(run.Group.PublicKey, RandomNumberGenerator.GetBytes(32), KeyId, 1, Context).Encode();
        for (int i = 0; i < blob.Length; i++)
        {
            var changed = (byte[])blob.Clone();
            changed[i] ^= 0x01;
            // A change that breaks parsing (version, E off the curve) stops there; any other reaches the custodians,
            // which answer honestly for the changed E, and fails when the blob is opened.
            if (ThresholdWrappedKey.TryParse(changed) is not { } parsed) continue;
            using var result = UnwrapWith(run.Group, parsed, run.Shares.Take(2));
            Assert.Equal(UnwrapError.InvalidCiphertext, result.Error);
            Assert.Equal("invalid ciphertext", result.Message);
            Assert.Null(result.DataKey);
        }
        // One byte short is still the length of a 31-byte key: it parses, and does not open.
        using (var truncated = UnwrapWith(run.Group, ThresholdWrappedKey.TryParse(blob.AsSpan(..^1))!, run.Shares.Take(2)))
            Assert.Equal(UnwrapError.InvalidCiphertext, truncated.Error);
        Assert.Null(ThresholdWrappedKey.TryParse([.. blob.AsSpan(0, 46), .. new byte[15 + 16]])); // a 15-byte key
        Assert.Null(ThresholdWrappedKey.TryParse([.. blob, .. new byte[64]]));                   // longer than a 64-byte key
        Assert.Null(ThresholdWrappedKey.TryParse([]));
    }

    [Fact]
    public void Another_key_id_version_or_context_does_not_open_the_blob()
    {
        using var run = ThresholdKit.Generate(2, 3);
        var wrapped = ThresholdWrappedKey.Wrap(run.Group.PublicKey, RandomNumberGenerator.GetBytes(32), KeyId, 3, Context);
        var two = run.Shares.Take(2).ToList();

        using (var ok = UnwrapWith(run.Group, wrapped, two, keyVersion: 3)) Assert.True(ok.Succeeded);
        // Custodians answer honestly for what they are asked; the blob still refuses to open.
        using (var r = UnwrapWith(run.Group, wrapped, two, keyVersion: 4)) Assert.Equal(UnwrapError.InvalidCiphertext, r.Error);
        using (var r = UnwrapWith(run.Group, wrapped, two, keyVersion: 3, keyId: "key-other"u8.ToArray())) Assert.Equal(UnwrapError.InvalidCiphertext, r.Error);
        using (var r = UnwrapWith(run.Group, wrapped, two, keyVersion: 3, context: EncryptionContext.Empty.ToCanonicalArray())) Assert.Equal(UnwrapError.InvalidCiphertext, r.Error);
        var otherContext = EncryptionContext.From(new Dictionary<string, string> { ["tenant"] = "acme", ["bucket"] = "payroll" }).ToCanonicalArray();
        using (var r = UnwrapWith(run.Group, wrapped, two, keyVersion: 3, context: otherContext)) Assert.Equal(UnwrapError.InvalidCiphertext, r.Error);
    }

    [Fact]
    public void Each_wrap_uses_a_fresh_ephemeral_key_and_nonce()
    {
        using var run = ThresholdKit.Generate(2, 3);
        var dek = RandomNumberGenerator.GetBytes(32);
        var a = ThresholdWrappedKey.Wrap(run.Group.PublicKey, dek, KeyId, 1, Context);
        var b = ThresholdWrappedKey.Wrap(run.Group.PublicKey, dek, KeyId, 1, Context);
        Assert.NotEqual(a.Ephemeral, b.Ephemeral);
        Assert.NotEqual(a.Encode().AsSpan(34, 12).ToArray(), b.Encode().AsSpan(34, 12).ToArray());
    }

    [Fact]
    public void Wrap_misuse_throws()
    {
        var y = P256Point.Generator;
        Assert.Throws<ArgumentException>(() => ThresholdWrappedKey.Wrap(y, new byte[15], KeyId, 1, []));
        Assert.Throws<ArgumentException>(() => ThresholdWrappedKey.Wrap(y, new byte[65], KeyId, 1, []));
        Assert.Throws<ArgumentException>(() => ThresholdWrappedKey.Wrap(y, new byte[32], [], 1, []));
        Assert.Throws<ArgumentException>(() => ThresholdWrappedKey.Wrap(y, new byte[32], new byte[256], 1, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => ThresholdWrappedKey.Wrap(y, new byte[32], KeyId, 0, []));
        Assert.Throws<ArgumentException>(() => ThresholdWrappedKey.Wrap(y, new byte[32], KeyId, 1, new byte[65536]));
        Assert.Equal(16 + ThresholdWrappedKey.Overhead, ThresholdWrappedKey.Wrap(y, new byte[16], KeyId, 1, []).Length);
        Assert.Equal(64 + ThresholdWrappedKey.Overhead, ThresholdWrappedKey.Wrap(y, new byte[64], new byte[255], int.MaxValue, new byte[65535]).Length);
    }
}
