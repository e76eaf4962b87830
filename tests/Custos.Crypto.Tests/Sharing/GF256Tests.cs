using Custos.Crypto.Sharing;

namespace Custos.Crypto.Tests.Sharing;

public sealed class GF256Tests
{
    /// <summary>Reference: carry-less multiply to 15 bits, then reduce by 0x11B from the top bit down.</summary>
    private static byte ReferenceMul(int a, int b)
    {
        int p = 0;
        for (int i = 0; i < 8; i++)
            if ((b & (1 << i)) != 0) p ^= a << i;
        for (int bit = 14; bit >= 8; bit--)
            if ((p & (1 << bit)) != 0) p ^= 0x11B << (bit - 8);
        return (byte)p;
    }

    [Fact]
    public void Mul_matches_the_reference_for_all_65536_pairs()
    {
        for (int a = 0; a < 256; a++)
            for (int b = 0; b < 256; b++)
                if (GF256.Mul((byte)a, (byte)b) != ReferenceMul(a, b))
                    Assert.Fail($"{a:X2} * {b:X2}: got {GF256.Mul((byte)a, (byte)b):X2}, expected {ReferenceMul(a, b):X2}");
    }

    [Fact]
    public void Mul_matches_the_FIPS_197_example()
    {
        Assert.Equal(0xC1, GF256.Mul(0x57, 0x83)); // FIPS 197 §4.2
    }

    [Fact]
    public void Inverse_of_every_non_zero_element_is_its_unique_inverse()
    {
        for (int a = 1; a < 256; a++)
        {
            byte inv = GF256.Inverse((byte)a);
            Assert.Equal(1, GF256.Mul((byte)a, inv));
            Assert.Equal(1, Enumerable.Range(1, 255).Count(x => ReferenceMul(a, x) == 1)); // exactly one inverse exists
        }
        Assert.Equal(0, GF256.Inverse(0));
    }
}
