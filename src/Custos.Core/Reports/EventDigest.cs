using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Custos.Core.Reports;

/// <summary>
/// The digest of the events a report relies on, in index order, so that the statement (whose SHA-256 the log holds) fixes
/// exactly which events the report rests on:
/// <code>SHA-256( for each event: index as 8 bytes big-endian || its 32-byte leaf hash )</code>, lower-case hex.
/// </summary>
public sealed class EventDigest : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _index = new byte[8];

    /// <summary>Events added so far.</summary>
    public long Count { get; private set; }

    /// <summary>Adds the next event.</summary>
    public void Add(long index, ReadOnlySpan<byte> leafHash)
    {
        BinaryPrimitives.WriteInt64BigEndian(_index, index);
        _hash.AppendData(_index);
        _hash.AppendData(leafHash);
        Count++;
    }

    /// <summary>The digest of the events added (the digest can go on afterwards).</summary>
    public string Hex() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    /// <inheritdoc />
    public void Dispose() => _hash.Dispose();
}
