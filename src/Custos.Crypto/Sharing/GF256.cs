namespace Custos.Crypto.Sharing;

/// <summary>
/// Arithmetic in GF(2^8) with the AES reduction polynomial x^8 + x^4 + x^3 + x + 1 (0x11B).
/// Addition is XOR. Multiplication runs in constant time: a fixed eight rounds of shift-and-add
/// with masks, no branches on and no table lookups indexed by the operands, because the operands
/// are secret share bytes.
/// </summary>
internal static class GF256
{
    /// <summary>The product <paramref name="a"/> · <paramref name="b"/>.</summary>
    public static byte Mul(byte a, byte b)
    {
        int product = 0;
        int x = a;
        for (int i = 0; i < 8; i++)
        {
            product ^= x & -((b >> i) & 1);          // add x when bit i of b is set
            int carry = (x >> 7) & 1;
            x = ((x << 1) ^ (0x1B & -carry)) & 0xFF; // x·2, reduced by 0x11B when it overflows
        }
        return (byte)product;
    }

    /// <summary>The multiplicative inverse, a^254 (a^255 = 1 for a ≠ 0); maps 0 to 0.</summary>
    public static byte Inverse(byte a)
    {
        // Square-and-multiply over the fixed, public exponent 254 = 0b11111110.
        byte result = 1;
        for (int bit = 7; bit >= 0; bit--)
        {
            result = Mul(result, result);
            if (((254 >> bit) & 1) != 0) result = Mul(result, a);
        }
        return result;
    }
}
