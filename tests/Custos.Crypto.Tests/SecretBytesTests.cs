using Custos.Crypto;

namespace Custos.Crypto.Tests;

public sealed class SecretBytesTests
{
    [Fact]
    public void Dispose_zeroes_and_forbids_further_use()
    {
        var s = SecretBytes.CopyFrom([1, 2, 3, 4]);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, s.Reveal().ToArray());
        s.Dispose();
        Assert.Throws<ObjectDisposedException>(() => s.Reveal().ToArray());
    }

    [Fact]
    public void ToString_never_prints_the_bytes()
    {
        using var s = SecretBytes.CopyFrom([0x41, 0x42]);
        Assert.Equal("[redacted]", s.ToString());
        Assert.Equal("x [redacted]", $"x {s}");
    }

    [Fact]
    public void TakeFrom_zeroes_the_source()
    {
        byte[] src = [9, 9, 9];
        using var s = SecretBytes.TakeFrom(src);
        Assert.Equal(new byte[3], src);
        Assert.Equal(new byte[] { 9, 9, 9 }, s.Reveal().ToArray());
    }

    [Fact]
    public void Equality_compares_contents()
    {
        using var a = SecretBytes.CopyFrom([1, 2]);
        using var b = SecretBytes.CopyFrom([1, 2]);
        using var c = SecretBytes.CopyFrom([1, 3]);
        Assert.True(a.Equals(b));
        Assert.False(a.Equals(c));
    }

    [Fact]
    public void No_formatting_path_prints_the_bytes()
    {
        byte[] secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        using var s = SecretBytes.CopyFrom(secret);
        string[] renderings =
        [
            s.ToString(),
            $"{s}",
            string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0}", s),
            string.Join(",", new object[] { s }),
        ];
        foreach (string r in renderings)
        {
            Assert.Equal("[redacted]", r.Replace(",", "", StringComparison.Ordinal));
            Assert.DoesNotContain(Convert.ToHexString(secret), r, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(secret), r, StringComparison.Ordinal);
        }
    }
}
