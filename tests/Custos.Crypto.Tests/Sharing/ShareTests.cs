using System.Buffers.Text;
using System.Security.Cryptography;
using Custos.Crypto.Sharing;

namespace Custos.Crypto.Tests.Sharing;

public sealed class ShareTests
{
    private const string KeyId = "root";

    private static IReadOnlyList<Share> SplitRandom(out byte[] secret, int length = 32)
    {
        secret = RandomNumberGenerator.GetBytes(length);
        return Shamir.Split(secret, 3, 2, KeyId);
    }

    private static ShareException AssertMalformed(string text)
    {
        var e = Assert.Throws<ShareException>(() => Share.Parse(text));
        Assert.Equal("malformed share", e.Message);
        return e;
    }

    /// <summary>The binary form <c>{ version | keyIdLen | keyId | threshold | x | yLen | y | tag 32 }</c> as text.</summary>
    private static string EncodeBinary(byte version, string keyId, int threshold, int x, byte[] y, int tagLength = 32)
    {
        var b = new List<byte> { version, (byte)keyId.Length };
        b.AddRange(keyId.Select(c => (byte)c));
        b.AddRange([(byte)threshold, (byte)x, (byte)y.Length]);
        b.AddRange(y);
        b.AddRange(new byte[tagLength]);
        return Share.TextPrefix + Base64Url.EncodeToString(b.ToArray());
    }

    [Fact]
    public void Encode_then_Parse_round_trips()
    {
        var shares = SplitRandom(out var secret);
        string text = shares[2].Encode();
        Assert.StartsWith("custos-share-v1:", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', text);
        Assert.DoesNotContain('=', text);
        using var parsed = Share.Parse(text);
        Assert.Equal((KeyId, 3, 2), (parsed.KeyId, parsed.Index, parsed.Threshold));
        Assert.Equal(text, parsed.Encode());
        using var recovered = Shamir.Combine([Share.Parse(shares[0].Encode()), parsed], KeyId);
        Assert.Equal(secret, recovered.Reveal().ToArray());
    }

    [Fact]
    public void Parse_ignores_surrounding_whitespace()
    {
        var shares = SplitRandom(out _);
        string text = shares[0].Encode();
        using var parsed = Share.Parse($"  \t{text}\r\n");
        Assert.Equal(text, parsed.Encode());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("custos-share-v1:")]
    [InlineData("custos-share-v2:AQRyb290AgEg")]
    [InlineData("CUSTOS-SHARE-V1:AQRyb290AgEg")]
    [InlineData("share-v1:AQRyb290AgEg")]
    [InlineData("custos-share-v1:@@@@")]
    [InlineData("custos-share-v1:AQRy b290")]
    [InlineData("custos-share-v1:AQ+/")]
    public void Parse_rejects_malformed_text(string text) => AssertMalformed(text);

    [Fact]
    public void Parse_rejects_every_truncation()
    {
        string text = SplitRandom(out _)[0].Encode();
        for (int len = 0; len < text.Length; len++)
            AssertMalformed(text[..len]);
    }

    [Fact]
    public void Parse_rejects_trailing_garbage()
    {
        string text = SplitRandom(out _)[0].Encode();
        AssertMalformed(text + "A");
        AssertMalformed(text + "AAAA");
        AssertMalformed(text + "=");
        AssertMalformed(text + "==");
        AssertMalformed(text + " x");
        byte[] binary = Base64Url.DecodeFromChars(text.AsSpan(Share.TextPrefix.Length));
        AssertMalformed(Share.TextPrefix + Base64Url.EncodeToString([.. binary, 0]));
    }

    [Fact]
    public void Parse_rejects_non_canonical_base64()
    {
        string text = SplitRandom(out _)[0].Encode();
        // Padded or standard-alphabet variants of the same bytes are not the canonical form.
        byte[] binary = Base64Url.DecodeFromChars(text.AsSpan(Share.TextPrefix.Length));
        AssertMalformed(Share.TextPrefix + Convert.ToBase64String(binary));
    }

    [Fact]
    public void Parse_rejects_out_of_range_fields()
    {
        byte[] y = new byte[32];
        using (Share.Parse(EncodeBinary(1, KeyId, 2, 1, y))) { } // the well-formed baseline parses
        AssertMalformed(EncodeBinary(0, KeyId, 2, 1, y));       // version
        AssertMalformed(EncodeBinary(2, KeyId, 2, 1, y));
        AssertMalformed(EncodeBinary(1, "", 2, 1, y));           // keyIdLen 0
        AssertMalformed(EncodeBinary(1, new string('k', 65), 2, 1, y));
        AssertMalformed(EncodeBinary(1, "bad id", 2, 1, y));     // not visible ASCII
        AssertMalformed(EncodeBinary(1, "bad\u007f", 2, 1, y));
        AssertMalformed(EncodeBinary(1, KeyId, 0, 1, y));        // threshold 0
        AssertMalformed(EncodeBinary(1, KeyId, 2, 0, y));        // x 0
        AssertMalformed(EncodeBinary(1, KeyId, 2, 1, []));       // yLen 0
        AssertMalformed(EncodeBinary(1, KeyId, 2, 1, new byte[65]));
        AssertMalformed(EncodeBinary(1, KeyId, 2, 1, y, tagLength: 31));
        AssertMalformed(EncodeBinary(1, KeyId, 2, 1, y, tagLength: 33));
    }

    [Fact]
    public void Parse_rejects_huge_input_without_decoding_it()
    {
        AssertMalformed(Share.TextPrefix + new string('A', 100_000));
    }

    [Fact]
    public void ToString_never_prints_the_share()
    {
        var shares = SplitRandom(out var secret);
        var share = shares[0];
        Assert.Equal("[redacted]", share.ToString());
        Assert.Equal("share [redacted]", $"share {share}");
        string encodedBody = share.Encode()[Share.TextPrefix.Length..];
        foreach (string s in new[] { share.ToString(), string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0}", share) })
        {
            Assert.DoesNotContain(Convert.ToHexString(secret), s, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(encodedBody, s, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Dispose_zeroes_the_share_and_forbids_encoding()
    {
        var shares = SplitRandom(out _);
        shares[0].Dispose();
        shares[0].Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => shares[0].Encode());
        Assert.Equal("[redacted]", shares[0].ToString());
    }

    [Fact]
    public void EncodeAscii_is_the_text_form_in_a_zeroable_buffer()
    {
        foreach (var share in SplitRandom(out _))
        {
            using (share)
            {
                using var ascii = share.EncodeAscii();
                Assert.Equal(share.Encode(), System.Text.Encoding.ASCII.GetString(ascii.Reveal()));
            }
        }
    }
}
