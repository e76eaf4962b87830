using System.Buffers.Binary;
using System.Collections;
using System.Text;

namespace Custos.Crypto;

/// <summary>
/// Non-secret key/value pairs bound to a ciphertext as additional authenticated data.
/// Canonical form (used as AAD and in the envelope header), sorted by the UTF-8 bytes of the key:
/// <code>{ count u16 | ( keyLen u16 | key utf8 | valueLen u16 | value utf8 ) * count }</code>
/// Limits: at most 64 pairs, keys 1–256 bytes, values 0–1024 bytes, 8 KiB canonical form.
/// Keys and values must be valid UTF-8 strings without control characters in keys.
/// </summary>
public sealed class EncryptionContext : IReadOnlyDictionary<string, string>, IEquatable<EncryptionContext>
{
    /// <summary>Most pairs in one context.</summary>
    public const int MaxPairs = 64;
    /// <summary>Longest key in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 256;
    /// <summary>Longest value in UTF-8 bytes.</summary>
    public const int MaxValueBytes = 1024;
    /// <summary>Largest canonical encoding.</summary>
    public const int MaxEncodedBytes = 8192;

    private readonly SortedDictionary<string, string> _pairs;
    private readonly byte[] _canonical;

    /// <summary>The empty context.</summary>
    public static EncryptionContext Empty { get; } = new(new SortedDictionary<string, string>(StringComparer.Ordinal));

    private EncryptionContext(SortedDictionary<string, string> pairs)
    {
        _pairs = pairs;
        _canonical = Encode(pairs);
    }

    /// <summary>Builds and validates a context; throws <see cref="ArgumentException"/> with a clear message when it breaks a limit.</summary>
    public static EncryptionContext From(IEnumerable<KeyValuePair<string, string>>? pairs)
    {
        if (pairs is null) return Empty;
        var sorted = new SortedDictionary<string, string>(Utf8OrdinalComparer.Instance);
        foreach (var (k, v) in pairs)
        {
            if (string.IsNullOrEmpty(k)) throw new ArgumentException("encryption context keys must not be empty");
            if (v is null) throw new ArgumentException($"encryption context value for '{k}' must not be null");
            if (k.Any(char.IsControl)) throw new ArgumentException("encryption context keys must not contain control characters");
            if (!IsWellFormed(k) || !IsWellFormed(v)) throw new ArgumentException("encryption context must be valid UTF-16 text");
            if (Encoding.UTF8.GetByteCount(k) > MaxKeyBytes) throw new ArgumentException($"encryption context keys are at most {MaxKeyBytes} bytes");
            if (Encoding.UTF8.GetByteCount(v) > MaxValueBytes) throw new ArgumentException($"encryption context values are at most {MaxValueBytes} bytes");
            if (!sorted.TryAdd(k, v)) throw new ArgumentException($"encryption context key '{k}' appears twice");
            if (sorted.Count > MaxPairs) throw new ArgumentException($"encryption context has at most {MaxPairs} pairs");
        }
        if (sorted.Count == 0) return Empty;
        var ctx = new EncryptionContext(sorted);
        if (ctx._canonical.Length > MaxEncodedBytes) throw new ArgumentException($"encryption context is at most {MaxEncodedBytes} bytes encoded");
        return ctx;
    }

    /// <summary>Parses a canonical encoding; returns null when it is malformed or not canonical.</summary>
    public static EncryptionContext? TryDecode(ReadOnlySpan<byte> encoded, out int bytesRead)
    {
        bytesRead = 0;
        if (encoded.Length < 2) return null;
        int count = BinaryPrimitives.ReadUInt16BigEndian(encoded);
        if (count > MaxPairs) return null;
        int pos = 2;
        var pairs = new List<KeyValuePair<string, string>>(count);
        var utf8 = new UTF8Encoding(false, true);
        try
        {
            for (int i = 0; i < count; i++)
            {
                if (!ReadField(encoded, ref pos, MaxKeyBytes, out var kb)) return null;
                if (!ReadField(encoded, ref pos, MaxValueBytes, out var vb)) return null;
                pairs.Add(new(utf8.GetString(kb), utf8.GetString(vb)));
            }
        }
        catch (DecoderFallbackException) { return null; }
        if (pos > MaxEncodedBytes) return null;
        EncryptionContext ctx;
        try { ctx = From(pairs); } catch (ArgumentException) { return null; }
        // Canonical only: the re-encoding must give back exactly the bytes we read.
        if (!ctx.Canonical.SequenceEqual(encoded[..pos])) return null;
        bytesRead = pos;
        return ctx;
    }

    private static bool ReadField(ReadOnlySpan<byte> src, ref int pos, int max, out ReadOnlySpan<byte> field)
    {
        field = default;
        if (src.Length - pos < 2) return false;
        int len = BinaryPrimitives.ReadUInt16BigEndian(src[pos..]);
        pos += 2;
        if (len > max || src.Length - pos < len) return false;
        field = src.Slice(pos, len);
        pos += len;
        return true;
    }

    /// <summary>The canonical encoding (see the class comment).</summary>
    public ReadOnlySpan<byte> Canonical => _canonical;

    /// <summary>The canonical encoding as a new array.</summary>
    public byte[] ToCanonicalArray() => (byte[])_canonical.Clone();

    private static byte[] Encode(SortedDictionary<string, string> pairs)
    {
        using var ms = new MemoryStream();
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(len, (ushort)pairs.Count);
        ms.Write(len);
        foreach (var (k, v) in pairs)
        {
            foreach (var s in new[] { k, v })
            {
                var b = Encoding.UTF8.GetBytes(s);
                BinaryPrimitives.WriteUInt16BigEndian(len, (ushort)b.Length);
                ms.Write(len);
                ms.Write(b);
            }
        }
        return ms.ToArray();
    }

    private static bool IsWellFormed(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]))
            {
                if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(s[i])) return false;
        }
        return true;
    }

    /// <inheritdoc />
    public string this[string key] => _pairs[key];
    /// <inheritdoc />
    public IEnumerable<string> Keys => _pairs.Keys;
    /// <inheritdoc />
    public IEnumerable<string> Values => _pairs.Values;
    /// <inheritdoc />
    public int Count => _pairs.Count;
    /// <inheritdoc />
    public bool ContainsKey(string key) => _pairs.ContainsKey(key);
    /// <inheritdoc />
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out string value) => _pairs.TryGetValue(key, out value);
    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _pairs.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Equal when the canonical encodings are equal.</summary>
    public bool Equals(EncryptionContext? other) => other is not null && _canonical.AsSpan().SequenceEqual(other._canonical);
    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is EncryptionContext o && Equals(o);
    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.AddBytes(_canonical);
        return h.ToHashCode();
    }

    /// <summary>Orders strings by their UTF-8 bytes, which for valid text is the order of code points.</summary>
    private sealed class Utf8OrdinalComparer : IComparer<string>
    {
        public static readonly Utf8OrdinalComparer Instance = new();
        public int Compare(string? x, string? y)
        {
            if (ReferenceEquals(x, y)) return 0;
            if (x is null) return -1;
            if (y is null) return 1;
            return Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y));
        }
    }
}
