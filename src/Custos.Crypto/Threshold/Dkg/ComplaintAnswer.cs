namespace Custos.Crypto.Threshold.Dkg;

/// <summary>
/// Spec card — a dealer's public answer to a <see cref="Complaint"/>: it reveals the share it dealt the
/// complainant, so that everyone can check it against the dealer's commitments (Pedersen 1991, §5). A valid
/// answer clears the dealer and gives the complainant its share; an invalid or missing one disqualifies the dealer.
/// <code>
/// { version 1 = 0x01 | dealer u8 (1..255) | complainant u8 (1..255) | value 32 (big-endian, below n) }
/// </code>
/// The value is public once broadcast: it is one share of one dealer's contribution, which a valid complaint
/// proves was already compromised or a false complaint proves the complainant already knew.
/// </summary>
public sealed class ComplaintAnswer
{
    /// <summary>Bytes in the encoding.</summary>
    public const int EncodedSize = 3 + P256.ScalarSize;

    private const byte FormatVersion = 1;
    private readonly byte[] _value;

    internal ComplaintAnswer(int dealer, int complainant, ReadOnlySpan<byte> value)
    {
        Dealer = dealer;
        Complainant = complainant;
        _value = value.ToArray();
    }

    /// <summary>The dealer that answers.</summary>
    public int Dealer { get; }

    /// <summary>The complainant whose share is revealed.</summary>
    public int Complainant { get; }

    /// <summary>The revealed share f_d(complainant).</summary>
    internal ReadOnlySpan<byte> Value => _value;

    /// <summary>The encoding (see the class comment).</summary>
    public byte[] Encode()
    {
        var b = new byte[EncodedSize];
        b[0] = FormatVersion;
        b[1] = (byte)Dealer;
        b[2] = (byte)Complainant;
        _value.CopyTo(b, 3);
        return b;
    }

    /// <summary>Parses an answer; null when it is malformed.</summary>
    public static ComplaintAnswer? TryDecode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != EncodedSize || encoded[0] != FormatVersion || encoded[1] == 0 || encoded[2] == 0) return null;
        return P256.IsCanonical(encoded[3..]) ? new ComplaintAnswer(encoded[1], encoded[2], encoded[3..]) : null;
    }

    /// <inheritdoc />
    public override string ToString() => $"dealer {Dealer} answers participant {Complainant}'s complaint";
}
