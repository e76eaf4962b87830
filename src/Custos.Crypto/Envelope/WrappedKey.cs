namespace Custos.Crypto.Envelope;

/// <summary>
/// One wrapped copy of an envelope's data key, as carried in the header:
/// <c>{ keyIdLen u8 | keyId ascii | keyVersion u32 | blobLen u16 | blob }</c>.
/// Not secret: the blob can only be unwrapped by the Custos server that holds the wrapping key.
/// Key id: 1–128 visible ASCII characters (0x21–0x7E); key version ≥ 1; blob 1–4096 bytes.
/// </summary>
public sealed record WrappedKey
{
    /// <summary>Longest key id in bytes.</summary>
    public const int MaxKeyIdLength = 128;
    /// <summary>Largest blob in bytes.</summary>
    public const int MaxBlobLength = 4096;

    private readonly byte[] _blob;

    /// <summary>Creates a wrapped key; throws <see cref="ArgumentException"/> when a field breaks its bound.</summary>
    /// <param name="keyId">Id of the key that wrapped the DEK.</param>
    /// <param name="keyVersion">Version of that key that wrapped the DEK.</param>
    /// <param name="blob">The opaque wrapped DEK (copied).</param>
    public WrappedKey(string keyId, int keyVersion, ReadOnlySpan<byte> blob)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        if (!IsValidKeyId(keyId))
            throw new ArgumentException($"key id must be 1 to {MaxKeyIdLength} visible ASCII characters", nameof(keyId));
        ArgumentOutOfRangeException.ThrowIfLessThan(keyVersion, 1);
        if (blob.Length is < 1 or > MaxBlobLength)
            throw new ArgumentException($"wrapped key blob must be 1 to {MaxBlobLength} bytes", nameof(blob));
        KeyId = keyId;
        KeyVersion = keyVersion;
        _blob = blob.ToArray();
    }

    /// <summary>Id of the key that wrapped the DEK.</summary>
    public string KeyId { get; }

    /// <summary>Version (≥ 1) of that key.</summary>
    public int KeyVersion { get; }

    /// <summary>The opaque wrapped DEK.</summary>
    public ReadOnlyMemory<byte> Blob => _blob;

    /// <summary>Equal when key id, version and blob bytes are equal.</summary>
    public bool Equals(WrappedKey? other) =>
        other is not null && KeyId == other.KeyId && KeyVersion == other.KeyVersion && _blob.AsSpan().SequenceEqual(other._blob);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(KeyId, StringComparer.Ordinal);
        h.Add(KeyVersion);
        h.AddBytes(_blob);
        return h.ToHashCode();
    }

    /// <summary>Key id and version; the blob only by length.</summary>
    public override string ToString() => $"{KeyId} v{KeyVersion} ({_blob.Length} bytes)";

    internal static bool IsValidKeyId(string keyId)
    {
        if (keyId.Length is < 1 or > MaxKeyIdLength) return false;
        foreach (char c in keyId)
            if (c is < '\x21' or > '\x7E') return false;
        return true;
    }

    internal static bool IsValidKeyId(ReadOnlySpan<byte> keyId)
    {
        if (keyId.Length is < 1 or > MaxKeyIdLength) return false;
        foreach (byte b in keyId)
            if (b is < 0x21 or > 0x7E) return false;
        return true;
    }
}
