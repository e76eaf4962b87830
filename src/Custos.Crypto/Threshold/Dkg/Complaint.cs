namespace Custos.Crypto.Threshold.Dkg;

/// <summary>
/// Spec card — a recipient's public accusation that a dealer's share for it is missing or wrong
/// (made by <see cref="Recipient.Receive"/>). The accused dealer answers with <see cref="ComplaintAnswer"/>;
/// <see cref="DkgTranscript"/> decides.
/// <code>
/// { version 1 = 0x01 | complainant u8 (1..255) | dealer u8 (1..255) | reason u8 (<see cref="ShareFault"/>) }
/// </code>
/// </summary>
public sealed class Complaint
{
    /// <summary>Bytes in the encoding.</summary>
    public const int EncodedSize = 4;

    private const byte FormatVersion = 1;

    /// <summary>A complaint by <paramref name="complainant"/> against <paramref name="dealer"/>.</summary>
    public Complaint(int complainant, int dealer, ShareFault reason)
    {
        KeyShare.CheckIndex(complainant, nameof(complainant));
        KeyShare.CheckIndex(dealer, nameof(dealer));
        if (!Enum.IsDefined(reason)) throw new ArgumentOutOfRangeException(nameof(reason), reason, "not a share fault");
        Complainant = complainant;
        Dealer = dealer;
        Reason = reason;
    }

    /// <summary>The recipient that complains.</summary>
    public int Complainant { get; }

    /// <summary>The dealer it accuses.</summary>
    public int Dealer { get; }

    /// <summary>What it found.</summary>
    public ShareFault Reason { get; }

    /// <summary>The encoding (see the class comment).</summary>
    public byte[] Encode() => [FormatVersion, (byte)Complainant, (byte)Dealer, (byte)Reason];

    /// <summary>Parses a complaint; null when it is malformed.</summary>
    public static Complaint? TryDecode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != EncodedSize || encoded[0] != FormatVersion || encoded[1] == 0 || encoded[2] == 0) return null;
        var reason = (ShareFault)encoded[3];
        return Enum.IsDefined(reason) ? new Complaint(encoded[1], encoded[2], reason) : null;
    }

    /// <inheritdoc />
    public override string ToString() => $"participant {Complainant} complains about dealer {Dealer}: {DealerFault.Explain(Reason, Complainant)}";
}
