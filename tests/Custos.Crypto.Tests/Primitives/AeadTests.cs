using Custos.Crypto.Primitives;

namespace Custos.Crypto.Tests.Primitives;

public sealed class AeadTests
{
    /// <summary>
    /// Every case of Wycheproof AES-GCM. The file has no "acceptable" cases. Cases whose IV is not
    /// 12 bytes (IV sizes 0, 8..2056 bits; most of them "valid" in Wycheproof) must be rejected by
    /// our API with ArgumentException, for encryption and decryption alike: Custos only ever uses
    /// 96-bit nonces (SP 800-38D §8.2), and other sizes go through GHASH, which is where the
    /// CounterWrap/LongIv/ZeroLengthIv bugs live. Such a case counts as handled.
    /// </summary>
    [Fact]
    public void Wycheproof_aes_gcm_every_case()
    {
        Wycheproof.RunAll("aes_gcm_test.json", c =>
        {
            byte[] key = c.Hex("key"), iv = c.Hex("iv"), aad = c.Hex("aad"), msg = c.Hex("msg"), ct = c.Hex("ct"), tag = c.Hex("tag");
            if (iv.Length != Aead.NonceSize)
            {
                return Wycheproof.Throws<ArgumentException>(() => Aead.Encrypt(key, iv, msg, aad, new byte[msg.Length], new byte[Aead.TagSize]))
                    ?? Wycheproof.Throws<ArgumentException>(() => Aead.TryDecrypt(key, iv, ct, tag, aad, new byte[ct.Length]));
            }

            var plaintext = new byte[ct.Length];
            bool opened = Aead.TryDecrypt(key, iv, ct, tag, aad, plaintext);
            if (c.IsInvalid)
            {
                if (opened) return "invalid ciphertext decrypted";
                return plaintext.Any(b => b != 0) ? "plaintext not zeroed after a failed decryption" : null;
            }
            if (!c.IsValid) return "unexpected result kind";

            var ct2 = new byte[msg.Length];
            var tag2 = new byte[Aead.TagSize];
            Aead.Encrypt(key, iv, msg, aad, ct2, tag2);
            if (!ct2.AsSpan().SequenceEqual(ct)) return $"ciphertext {Wycheproof.Hex(ct2)}";
            if (!tag2.AsSpan().SequenceEqual(tag)) return $"tag {Wycheproof.Hex(tag2)}";
            if (!opened) return "valid ciphertext did not decrypt";
            return plaintext.AsSpan().SequenceEqual(msg) ? null : "wrong plaintext";
        });
    }

    [Fact]
    public void Seal_then_Open_round_trips_and_binds_aad()
    {
        byte[] key = new byte[32];
        key[0] = 7;
        byte[] box = Aead.Seal(key, "hello"u8, "aad"u8);
        using var opened = Aead.Open(key, box, "aad"u8);
        Assert.NotNull(opened);
        Assert.Equal("hello"u8.ToArray(), opened.Reveal().ToArray());
        Assert.Null(Aead.Open(key, box, "other"u8));
        Assert.Null(Aead.Open(key, box.AsSpan(0, Aead.Overhead - 1), "aad"u8));
    }
}
