namespace Custos.Crypto.Threshold.Dkg;

/// <summary>
/// Spec card — a dealer's public broadcast in key generation or resharing: the Feldman commitments
/// C_j = a_j·G (j = 0 … k−1) to the polynomial f whose values it sends each recipient privately
/// (<see cref="DealtShare"/>). In resharing, C_0 must be the dealer's old public share.
/// <code>
/// { version 1 = 0x01 | dealer u8 (1..255) | k u8 (1..255) | C_0 … C_{k−1} k × 33 (SEC 1 compressed) }
/// </code>
/// Not secret. Every recipient must see the same dealing (the network layer broadcasts it, or the transcript
/// settles it: <see cref="Recipient.Finish"/> checks shares against the transcript's copy).
/// </summary>
public sealed class Dealing
{
    private const byte FormatVersion = 1;
    private readonly P256Point[] _commitments;

    internal Dealing(int dealer, P256Point[] commitments)
    {
        Dealer = dealer;
        _commitments = commitments;
    }

    /// <summary>The dealer's participant index (in resharing: its index in the old group).</summary>
    public int Dealer { get; }

    /// <summary>The commitments C_0 … C_{k−1}.</summary>
    public IReadOnlyList<P256Point> Commitments => _commitments;

    /// <summary>k, the threshold this dealing shares for (the number of commitments).</summary>
    public int Threshold => _commitments.Length;

    /// <summary>The encoding (see the class comment).</summary>
    public byte[] Encode()
    {
        var b = new byte[3 + _commitments.Length * P256Point.CompressedSize];
        b[0] = FormatVersion;
        b[1] = (byte)Dealer;
        b[2] = (byte)_commitments.Length;
        for (int j = 0; j < _commitments.Length; j++)
            _commitments[j].Encode(b.AsSpan(3 + j * P256Point.CompressedSize, P256Point.CompressedSize));
        return b;
    }

    /// <summary>Parses a dealing, validating every point; null when anything is wrong with it.</summary>
    public static Dealing? TryDecode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length < 3 || encoded[0] != FormatVersion || encoded[1] == 0 || encoded[2] == 0) return null;
        int k = encoded[2];
        if (encoded.Length != 3 + k * P256Point.CompressedSize) return null;
        var commitments = new P256Point[k];
        for (int j = 0; j < k; j++)
        {
            var point = encoded.Slice(3 + j * P256Point.CompressedSize, P256Point.CompressedSize);
            if (point[0] is not (0x02 or 0x03) || P256Point.TryDecode(point) is not { } c) return null;
            commitments[j] = c;
        }
        return new Dealing(encoded[1], commitments);
    }

    /// <inheritdoc />
    public override string ToString() => $"dealing from {Dealer} (threshold {Threshold})";
}
