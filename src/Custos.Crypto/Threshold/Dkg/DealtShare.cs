namespace Custos.Crypto.Threshold.Dkg;

/// <summary>
/// Spec card — the secret value f_d(r) a dealer d sends one recipient r, checked by the recipient against the
/// dealer's <see cref="Dealing"/>:
/// <code>
/// { version 1 = 0x01 | dealer u8 (1..255) | recipient u8 (1..255) | value 32 (big-endian, below n) }
/// </code>
/// Secret: the network layer must send it only to its recipient, encrypted and authenticated (mutual TLS, or
/// encrypted to the recipient's key), and dispose it once sent. The value lives in a <see cref="SecretBytes"/>,
/// zeroed on <see cref="Dispose"/>; the wire form comes out only through <see cref="Encode"/>, itself a
/// <see cref="SecretBytes"/>.
/// </summary>
public sealed class DealtShare : IDisposable
{
    /// <summary>Bytes in the encoding.</summary>
    public const int EncodedSize = 3 + P256.ScalarSize;

    private const byte FormatVersion = 1;
    private readonly SecretBytes _value;

    internal DealtShare(int dealer, int recipient, SecretBytes value)
    {
        Dealer = dealer;
        Recipient = recipient;
        _value = value;
    }

    /// <summary>The dealer's index.</summary>
    public int Dealer { get; }

    /// <summary>The recipient's index.</summary>
    public int Recipient { get; }

    /// <summary>The secret value f_d(r), 32 bytes.</summary>
    internal ReadOnlySpan<byte> Value => _value.Reveal();

    /// <summary>The wire form (secret: see the class comment). The caller disposes it.</summary>
    public SecretBytes Encode()
    {
        var encoded = SecretBytes.Allocate(EncodedSize);
        var b = encoded.RevealForWrite();
        b[0] = FormatVersion;
        b[1] = (byte)Dealer;
        b[2] = (byte)Recipient;
        _value.Reveal().CopyTo(b[3..]);
        return encoded;
    }

    /// <summary>Parses the wire form (the caller still zeroes its buffer); null when it is malformed.</summary>
    public static DealtShare? TryDecode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != EncodedSize || encoded[0] != FormatVersion || encoded[1] == 0 || encoded[2] == 0) return null;
        if (!P256.IsCanonical(encoded[3..])) return null;
        return new DealtShare(encoded[1], encoded[2], SecretBytes.CopyFrom(encoded[3..]));
    }

    /// <summary>Zeroes the value.</summary>
    public void Dispose() => _value.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"share from dealer {Dealer} for {Recipient} [redacted]";
}
