using System.Buffers.Binary;
using System.Text;
using Custos.Crypto;

namespace Custos.Core.Keys;

/// <summary>
/// The ciphertext Custos returns for encrypt and generate-data-key, and takes back for decrypt and
/// rewrap. It names the key and version so that decrypt needs no key argument.
/// <code>{ 'C' 'B' | version u8 = 1 | keyIdLen u8 | keyId ascii | keyVersion u32 | payload (keystore ciphertext) }</code>
/// The keystore binds <see cref="Aad"/> (the fixed label, every header byte and the canonical encryption
/// context), so a blob cannot be moved to another key, version or context.
/// </summary>
public sealed class CiphertextBlob
{
    private const byte Magic0 = (byte)'C';
    private const byte Magic1 = (byte)'B';
    private const byte FormatVersion = 1;
    /// <summary>Largest blob accepted (4 KiB plaintext plus any keystore's overhead).</summary>
    public const int MaxLength = 8192;
    private static readonly byte[] AadLabel = "custos/blob/v1"u8.ToArray();

    private CiphertextBlob(string keyId, int keyVersion, byte[] header, ReadOnlyMemory<byte> payload)
    {
        KeyId = keyId;
        KeyVersion = keyVersion;
        _header = header;
        Payload = payload;
    }

    private readonly byte[] _header;

    /// <summary>The key that made the blob.</summary>
    public string KeyId { get; }
    /// <summary>The key version that made the blob.</summary>
    public int KeyVersion { get; }
    /// <summary>The keystore's ciphertext.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>A header for a blob to be made by <paramref name="keyId"/> version <paramref name="keyVersion"/>.</summary>
    public static CiphertextBlob ForEncryption(string keyId, int keyVersion)
    {
        if (!KeyIds.IsValid(keyId)) throw new ArgumentException("not a key id", nameof(keyId));
        ArgumentOutOfRangeException.ThrowIfLessThan(keyVersion, 1);
        var id = Encoding.ASCII.GetBytes(keyId);
        var header = new byte[3 + 1 + id.Length + 4];
        header[0] = Magic0; header[1] = Magic1; header[2] = FormatVersion;
        header[3] = (byte)id.Length;
        id.CopyTo(header, 4);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 + id.Length), (uint)keyVersion);
        return new CiphertextBlob(keyId, keyVersion, header, ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>Parses a blob; null when it is malformed (the caller reports invalid ciphertext).</summary>
    public static CiphertextBlob? TryParse(ReadOnlyMemory<byte> blob)
    {
        var s = blob.Span;
        if (s.Length < 4 || s.Length > MaxLength || s[0] != Magic0 || s[1] != Magic1 || s[2] != FormatVersion) return null;
        int idLen = s[3];
        if (idLen != 36 || s.Length < 4 + idLen + 4 + 1) return null;
        string keyId;
        try { keyId = new ASCIIEncoding().GetString(s.Slice(4, idLen)); }
        catch (ArgumentException) { return null; }
        if (!KeyIds.IsValid(keyId)) return null;
        uint version = BinaryPrimitives.ReadUInt32BigEndian(s[(4 + idLen)..]);
        if (version is < 1 or > int.MaxValue) return null;
        int headerLen = 4 + idLen + 4;
        return new CiphertextBlob(keyId, (int)version, s[..headerLen].ToArray(), blob[headerLen..]);
    }

    /// <summary>What the keystore binds: label, header and the canonical context.</summary>
    public byte[] Aad(EncryptionContext context)
    {
        var ctx = context.Canonical;
        var aad = new byte[AadLabel.Length + _header.Length + ctx.Length];
        AadLabel.CopyTo(aad, 0);
        _header.CopyTo(aad, AadLabel.Length);
        ctx.CopyTo(aad.AsSpan(AadLabel.Length + _header.Length));
        return aad;
    }

    /// <summary>The whole blob: this header followed by <paramref name="payload"/>.</summary>
    public byte[] WithPayload(ReadOnlySpan<byte> payload)
    {
        var blob = new byte[_header.Length + payload.Length];
        _header.CopyTo(blob, 0);
        payload.CopyTo(blob.AsSpan(_header.Length));
        return blob;
    }
}
