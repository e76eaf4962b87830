using System.Security.Cryptography;

namespace Custos.Crypto.Tests.Primitives;

/// <summary>HMAC-SHA-256 as Custos uses it (share tags): System.Security.Cryptography.HMACSHA256, constant-time compare.</summary>
public sealed class HmacSha256Tests
{
    /// <summary>
    /// Every case of Wycheproof HMAC-SHA-256; the tag is truncated to the group's tagSize
    /// (128 or 256 bits) and compared with FixedTimeEquals. No "acceptable" cases;
    /// "invalid" (ModifiedTag) must not verify.
    /// </summary>
    [Fact]
    public void Wycheproof_hmac_sha256_every_case()
    {
        Wycheproof.RunAll("hmac_sha256_test.json", c =>
        {
            byte[] key = c.Hex("key"), msg = c.Hex("msg"), tag = c.Hex("tag");
            byte[] computed = HMACSHA256.HashData(key, msg).AsSpan(0, c.GroupInt("tagSize") / 8).ToArray();
            bool verifies = CryptographicOperations.FixedTimeEquals(computed, tag);
            if (c.IsValid) return verifies ? null : $"tag {Wycheproof.Hex(computed)}";
            if (c.IsInvalid) return verifies ? "modified tag verified" : null;
            return "unexpected result kind";
        });
    }
}
