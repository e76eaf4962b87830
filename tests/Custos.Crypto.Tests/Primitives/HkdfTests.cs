using Custos.Crypto.Primitives;

namespace Custos.Crypto.Tests.Primitives;

public sealed class HkdfTests
{
    /// <summary>
    /// Every case of Wycheproof HKDF-SHA-256, through both overloads. No "acceptable" cases.
    /// "invalid" cases are all SizeTooLarge (8161 bytes &gt; 255 × 32): both overloads must throw ArgumentException.
    /// </summary>
    [Fact]
    public void Wycheproof_hkdf_sha256_every_case()
    {
        Wycheproof.RunAll("hkdf_sha256_test.json", c =>
        {
            byte[] ikm = c.Hex("ikm"), salt = c.Hex("salt"), info = c.Hex("info");
            int size = c.Int("size");
            if (c.IsInvalid)
            {
                return Wycheproof.Throws<ArgumentException>(() => Hkdf.DeriveKey(ikm, salt, info, size))
                    ?? Wycheproof.Throws<ArgumentException>(() => Hkdf.DeriveKey(ikm, salt, info, new byte[size]));
            }
            if (!c.IsValid) return "unexpected result kind";
            byte[] okm = c.Hex("okm");
            using var derived = Hkdf.DeriveKey(ikm, salt, info, size);
            if (!derived.Reveal().SequenceEqual(okm)) return $"okm {Wycheproof.Hex(derived.Reveal())}";
            var span = new byte[size];
            Hkdf.DeriveKey(ikm, salt, info, span);
            return span.AsSpan().SequenceEqual(okm) ? null : "span overload differs";
        });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(255 * 32 + 1)]
    public void Out_of_range_length_throws_a_clear_ArgumentException(int length)
    {
        var e = Assert.Throws<ArgumentException>(() => Hkdf.DeriveKey("ikm"u8, default, default, length));
        Assert.Contains("8160", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Maximum_length_is_allowed()
    {
        using var okm = Hkdf.DeriveKey("ikm"u8, default, default, Hkdf.MaxOutputSize);
        Assert.Equal(8160, okm.Length);
    }
}
