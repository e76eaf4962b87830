using System.Text.Json;
using Custos.Crypto.Primitives;

namespace Custos.Crypto.Tests.Primitives;

public sealed class AesKeyWrapTests
{
    /// <summary>
    /// Every case of Wycheproof AES-KW (RFC 3394).
    /// "acceptable" (tcIds 12, 54, 109, flag ShortKey: an 8-byte key wrapped as one AES block):
    /// we REJECT them. Our KW takes key data of at least two 64-bit blocks (RFC 3394 §2.2 and
    /// NIST SP 800-38F KW need n ≥ 2); the one-block variant is a different construction that
    /// Custos has no use for (short keys go through KWP). So Wrap throws ArgumentException and
    /// Unwrap of the 16-byte input returns null.
    /// "invalid": Unwrap returns null; when the key data itself is unwrappable (empty, not a
    /// multiple of 8, under 16 bytes), Wrap must throw ArgumentException too.
    /// </summary>
    [Fact]
    public void Wycheproof_aes_wrap_every_case()
    {
        Wycheproof.RunAll("aes_wrap_test.json", c =>
        {
            byte[] kek = c.Hex("key"), msg = c.Hex("msg"), ct = c.Hex("ct");
            bool wrappable = msg.Length >= AesKeyWrap.MinKeyDataSize && msg.Length % 8 == 0;
            if (c.IsValid)
            {
                byte[] wrapped = AesKeyWrap.Wrap(kek, msg);
                if (!wrapped.AsSpan().SequenceEqual(ct)) return $"wrap gave {Wycheproof.Hex(wrapped)}";
                using var unwrapped = AesKeyWrap.Unwrap(kek, ct);
                if (unwrapped is null) return "unwrap failed";
                return unwrapped.Reveal().SequenceEqual(msg) ? null : "unwrap gave wrong key data";
            }
            // invalid, and acceptable ones rejected by design (see above)
            if (!wrappable && Wycheproof.Throws<ArgumentException>(() => AesKeyWrap.Wrap(kek, msg)) is { } notThrown)
                return "wrap of unwrappable key data: " + notThrown;
            using var bad = AesKeyWrap.Unwrap(kek, ct);
            return bad is null ? null : "unwrap accepted it";
        });
    }

    /// <summary>
    /// Every case of Wycheproof AES-KWP (RFC 5649). No "acceptable" cases in the file. The
    /// SmallKey cases (1..15 bytes) are "valid" and we accept them: wrapping short keys is what
    /// KWP is for. "invalid" (ModifiedPadding): UnwrapPadded returns null; the empty key data of
    /// tcIds with msg "" must also be refused by WrapPadded (RFC 5649 needs at least one octet).
    /// </summary>
    [Fact]
    public void Wycheproof_aes_kwp_every_case()
    {
        Wycheproof.RunAll("aes_kwp_test.json", c =>
        {
            byte[] kek = c.Hex("key"), msg = c.Hex("msg"), ct = c.Hex("ct");
            if (c.IsValid)
            {
                byte[] wrapped = AesKeyWrap.WrapPadded(kek, msg);
                if (!wrapped.AsSpan().SequenceEqual(ct)) return $"wrap gave {Wycheproof.Hex(wrapped)}";
                using var unwrapped = AesKeyWrap.UnwrapPadded(kek, ct);
                if (unwrapped is null) return "unwrap failed";
                return unwrapped.Reveal().SequenceEqual(msg) ? null : "unwrap gave wrong key data";
            }
            if (!c.IsInvalid) return "unexpected result kind";
            if (msg.Length == 0 && Wycheproof.Throws<ArgumentException>(() => AesKeyWrap.WrapPadded(kek, msg)) is { } notThrown)
                return "wrap of empty key data: " + notThrown;
            using var bad = AesKeyWrap.UnwrapPadded(kek, ct);
            return bad is null ? null : "unwrap accepted it";
        });
    }

    [Fact]
    public void Rfc3394_and_Rfc5649_examples_all_pass()
    {
        using var doc = TestVectors.LoadJson("rfc-keywrap.json");
        int run = 0;
        foreach (var v in doc.RootElement.GetProperty("aes_kw_rfc3394").EnumerateArray())
        {
            var (kek, key, wrapped, name) = Read(v);
            Assert.True(wrapped.AsSpan().SequenceEqual(AesKeyWrap.Wrap(kek, key)), $"{name}: wrap");
            using var unwrapped = AesKeyWrap.Unwrap(kek, wrapped);
            Assert.True(unwrapped is not null && unwrapped.Reveal().SequenceEqual(key), $"{name}: unwrap");
            run++;
        }
        foreach (var v in doc.RootElement.GetProperty("aes_kwp_rfc5649").EnumerateArray())
        {
            var (kek, key, wrapped, name) = Read(v);
            Assert.Equal(v.GetProperty("keyLengthOctets").GetInt32(), key.Length);
            Assert.True(wrapped.AsSpan().SequenceEqual(AesKeyWrap.WrapPadded(kek, key)), $"{name}: wrap");
            using var unwrapped = AesKeyWrap.UnwrapPadded(kek, wrapped);
            Assert.True(unwrapped is not null && unwrapped.Reveal().SequenceEqual(key), $"{name}: unwrap");
            run++;
        }
        Assert.Equal(8, run);

        static (byte[] Kek, byte[] Key, byte[] Wrapped, string Name) Read(JsonElement v) =>
            (Convert.FromHexString(v.GetProperty("kek").GetString()!), Convert.FromHexString(v.GetProperty("key").GetString()!),
             Convert.FromHexString(v.GetProperty("wrapped").GetString()!), $"{v.GetProperty("section").GetString()} {v.GetProperty("title").GetString()}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(31)]
    [InlineData(33)]
    public void Bad_kek_size_throws_ArgumentException(int kekSize)
    {
        var kek = new byte[kekSize];
        var data = new byte[16];
        Assert.Throws<ArgumentException>(() => AesKeyWrap.Wrap(kek, data));
        Assert.Throws<ArgumentException>(() => AesKeyWrap.Unwrap(kek, new byte[24]));
        Assert.Throws<ArgumentException>(() => AesKeyWrap.WrapPadded(kek, data));
        Assert.Throws<ArgumentException>(() => AesKeyWrap.UnwrapPadded(kek, new byte[24]));
    }

    [Fact]
    public void Unwrap_with_the_wrong_kek_returns_null_for_both_modes()
    {
        byte[] kek = new byte[32], other = new byte[32];
        other[31] = 1;
        byte[] key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        Assert.Null(AesKeyWrap.Unwrap(other, AesKeyWrap.Wrap(kek, key)));
        Assert.Null(AesKeyWrap.UnwrapPadded(other, AesKeyWrap.WrapPadded(kek, key)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(23)]
    [InlineData(25)]
    public void Unwrap_of_bad_lengths_returns_null(int length)
    {
        var kek = new byte[16];
        Assert.Null(AesKeyWrap.Unwrap(kek, new byte[length]));
        Assert.Null(AesKeyWrap.UnwrapPadded(kek, new byte[length]));
    }
}
