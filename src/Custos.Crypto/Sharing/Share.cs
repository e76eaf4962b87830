using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Custos.Crypto.Sharing;

/// <summary>
/// One authenticated Shamir share, made by <see cref="Shamir.Split"/> and consumed by
/// <see cref="Shamir.Combine"/>. The y bytes are secret and live in a <see cref="SecretBytes"/>:
/// dispose the share when done. <see cref="KeyId"/>, <see cref="Index"/> and <see cref="Threshold"/>
/// are not secret.
/// <para>
/// Binary form, every length bounded (at most 165 bytes):
/// <code>{ version 1 = 0x01 | keyIdLen 1 (1..64) | keyId ASCII | threshold 1 (1..255) | x 1 (1..255) | yLen 1 (1..64) | y | tag 32 }</code>
/// The tag is HMAC-SHA-256 over every byte before it, keyed with
/// HKDF-SHA-256(secret, salt empty, info "custos/shamir/v1/share-auth", 32).
/// Text form (<see cref="Encode"/>): <c>"custos-share-v1:" + base64url(binary)</c>, unpadded, one line.
/// </para>
/// </summary>
public sealed class Share : IDisposable
{
    /// <summary>The prefix of the text form.</summary>
    public const string TextPrefix = "custos-share-v1:";

    internal const byte FormatVersion = 1;
    internal const int TagSize = 32;
    internal const int MaxKeyIdLength = 64;
    internal const int MaxSecretLength = 64;
    private const int MaxBinaryLength = 5 + MaxKeyIdLength + MaxSecretLength + TagSize;

    private readonly SecretBytes _y;
    private readonly byte[] _tag;

    internal Share(string keyId, int threshold, int index, SecretBytes y, byte[] tag)
    {
        KeyId = keyId;
        Threshold = threshold;
        Index = index;
        _y = y;
        _tag = tag;
    }

    /// <summary>The id of the key this share belongs to.</summary>
    public string KeyId { get; }

    /// <summary>The x-coordinate, 1 to 255.</summary>
    public int Index { get; }

    /// <summary>How many shares it takes to recover the secret.</summary>
    public int Threshold { get; }

    /// <summary>Length of the shared secret in bytes.</summary>
    internal int Length => _y.Length;

    /// <summary>The secret y bytes.</summary>
    internal ReadOnlySpan<byte> RevealY() => _y.Reveal();

    /// <summary>The single-line text form an operator can copy. It contains the secret share: treat it as one.</summary>
    public string Encode()
    {
        byte[] binary = GC.AllocateArray<byte>(AuthenticatedLength(KeyId, _y.Length) + TagSize, pinned: true);
        try
        {
            int n = WriteAuthenticatedData(binary, KeyId, Threshold, Index, _y.Reveal());
            _tag.CopyTo(binary.AsSpan(n));
            return TextPrefix + Base64Url.EncodeToString(binary);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(binary);
        }
    }

    /// <summary>
    /// The text form of <see cref="Encode"/> as ASCII bytes in a <see cref="SecretBytes"/>, so that it can be
    /// hashed or encrypted and then zeroed (a string cannot be).
    /// </summary>
    public SecretBytes EncodeAscii()
    {
        byte[] binary = GC.AllocateArray<byte>(AuthenticatedLength(KeyId, _y.Length) + TagSize, pinned: true);
        try
        {
            int n = WriteAuthenticatedData(binary, KeyId, Threshold, Index, _y.Reveal());
            _tag.CopyTo(binary.AsSpan(n));
            var text = SecretBytes.Allocate(TextPrefix.Length + Base64Url.GetEncodedLength(binary.Length));
            int p = Encoding.ASCII.GetBytes(TextPrefix, text.RevealForWrite());
            Base64Url.EncodeToUtf8(binary, text.RevealForWrite()[p..]);
            return text;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(binary);
        }
    }

    /// <summary>
    /// Parses the text form made by <see cref="Encode"/>, ignoring surrounding whitespace.
    /// Throws <see cref="ShareException"/> ("malformed share") for anything else. Parsing does not
    /// authenticate the share: <see cref="Shamir.Combine"/> does.
    /// </summary>
    public static Share Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.AsSpan().Trim();
        if (!trimmed.StartsWith(TextPrefix, StringComparison.Ordinal)) throw Malformed();
        var body = trimmed[TextPrefix.Length..];
        if (body.IsEmpty || body.Length > Base64Url.GetEncodedLength(MaxBinaryLength)) throw Malformed();

        byte[] binary = GC.AllocateArray<byte>(Base64Url.GetMaxDecodedLength(body.Length), pinned: true);
        char[] reencoded = GC.AllocateArray<char>(body.Length, pinned: true);
        try
        {
            var status = Base64Url.DecodeFromChars(body, binary, out int consumed, out int written);
            if (status != OperationStatus.Done || consumed != body.Length) throw Malformed();
            // Only the canonical encoding: no padding, whitespace or stray low bits.
            if (!Base64Url.TryEncodeToChars(binary.AsSpan(0, written), reencoded, out int charsWritten)
                || !body.SequenceEqual(reencoded.AsSpan(0, charsWritten)))
                throw Malformed();
            return Decode(binary.AsSpan(0, written));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(binary);
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(reencoded.AsSpan()));
        }
    }

    private static Share Decode(ReadOnlySpan<byte> b)
    {
        int p = 0;
        if (b.Length < 2 || b[p++] != FormatVersion) throw Malformed();
        int keyIdLen = b[p++];
        if (keyIdLen is < 1 or > MaxKeyIdLength || b.Length - p < keyIdLen + 3) throw Malformed();
        string keyId = Encoding.ASCII.GetString(b.Slice(p, keyIdLen));
        if (!IsValidKeyId(keyId)) throw Malformed();
        p += keyIdLen;
        int threshold = b[p++];
        int index = b[p++];
        int yLen = b[p++];
        if (threshold < 1 || index < 1 || yLen is < 1 or > MaxSecretLength) throw Malformed();
        if (b.Length - p != yLen + TagSize) throw Malformed();
        var y = SecretBytes.CopyFrom(b.Slice(p, yLen));
        byte[] tag = b.Slice(p + yLen, TagSize).ToArray();
        return new Share(keyId, threshold, index, y, tag);
    }

    /// <summary>True when the tag matches under <paramref name="authKey"/>; compared in constant time.</summary>
    internal bool VerifyTag(ReadOnlySpan<byte> authKey)
    {
        Span<byte> expected = stackalloc byte[TagSize];
        try
        {
            ComputeTag(authKey, KeyId, Threshold, Index, _y.Reveal(), expected);
            return CryptographicOperations.FixedTimeEquals(expected, _tag);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(expected);
        }
    }

    /// <summary>HMAC-SHA-256 under <paramref name="authKey"/> over the binary form up to the tag.</summary>
    internal static void ComputeTag(ReadOnlySpan<byte> authKey, string keyId, int threshold, int index, ReadOnlySpan<byte> y, Span<byte> tag)
    {
        byte[] data = GC.AllocateArray<byte>(AuthenticatedLength(keyId, y.Length), pinned: true);
        try
        {
            WriteAuthenticatedData(data, keyId, threshold, index, y);
            HMACSHA256.HashData(authKey, data, tag);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }

    /// <summary>Visible ASCII (0x21–0x7E), 1 to 64 characters.</summary>
    internal static bool IsValidKeyId(string? keyId) =>
        keyId is { Length: >= 1 and <= MaxKeyIdLength } && keyId.All(c => c is >= '!' and <= '~');

    private static int AuthenticatedLength(string keyId, int yLength) => 5 + keyId.Length + yLength;

    private static int WriteAuthenticatedData(Span<byte> dest, string keyId, int threshold, int index, ReadOnlySpan<byte> y)
    {
        int p = 0;
        dest[p++] = FormatVersion;
        dest[p++] = (byte)keyId.Length;
        p += Encoding.ASCII.GetBytes(keyId, dest[p..]);
        dest[p++] = (byte)threshold;
        dest[p++] = (byte)index;
        dest[p++] = (byte)y.Length;
        y.CopyTo(dest[p..]);
        return p + y.Length;
    }

    private static ShareException Malformed() => new("malformed share");

    /// <summary>Never prints the share.</summary>
    public override string ToString() => "[redacted]";

    /// <summary>Zeroes the y bytes. Safe to call more than once.</summary>
    public void Dispose() => _y.Dispose();
}
