using System.Buffers.Binary;
using System.Text;
using Custos.Crypto.Envelope;
using static Custos.Crypto.Tests.Envelope.EnvelopeTestData;

namespace Custos.Crypto.Tests.Envelope;

public sealed class EnvelopeHeaderTests
{
    [Fact]
    public async Task Parse_and_serialize_round_trip()
    {
        using var dek = NewDek();
        var keys = new[] { new WrappedKey("eu/key-a", 3, Pattern(40)), new WrappedKey("ch/key-b", 1, Pattern(4096, 2)) };
        var envelope = EnvelopeEncryptor.Encrypt(Pattern(100), dek, keys, Context, 8192);

        var header = EnvelopeHeader.Parse(envelope, out int length);
        var reparsed = EnvelopeHeader.Parse(header.ToArray(), out int length2);
        using var stream = new NonSeekableStream(envelope);
        var streamed = await EnvelopeHeader.ReadAsync(stream, TestContext.Current.CancellationToken);

        Assert.Equal(envelope.AsSpan(0, length).ToArray(), header.ToArray());
        Assert.Equal(length, length2);
        Assert.Equal(header.ToArray(), streamed.ToArray());
        Assert.Equal(1, header.Version);
        Assert.Equal(EnvelopeSuite.Aes256GcmHkdfSha256Committing, header.Suite);
        Assert.Equal(8192, header.FrameLength);
        Assert.Equal(Context, header.Context);
        Assert.Equal(keys, header.WrappedKeys);
        Assert.Equal(keys, reparsed.WrappedKeys);
        Assert.Equal(32, header.MessageId.Length);
        Assert.Equal(32, header.Commitment.Length);
        Assert.Equal(16, header.HeaderTag.Length);
    }

    [Fact]
    public async Task ReadAsync_stops_exactly_at_the_end_of_the_header()
    {
        using var dek = NewDek();
        var envelope = EnvelopeEncryptor.Encrypt(Pattern(10), dek, OneKey, Context);
        EnvelopeHeader.Parse(envelope, out int length);
        using var stream = new MemoryStream(envelope);

        await EnvelopeHeader.ReadAsync(stream, TestContext.Current.CancellationToken);

        Assert.Equal(length, stream.Position);
    }

    [Fact]
    public void Largest_header_is_within_the_documented_bound()
    {
        Assert.Equal(75_980, EnvelopeHeader.MaxLength);
        var bytes = RawHeader(keys: Enumerable.Range(0, 16).Select(i => (new string((char)('a' + i), 128), 1u, 4096)).ToArray());
        Assert.NotNull(EnvelopeHeader.Parse(bytes, out _)); // layout valid (the tag is only checked with the key)
    }

    public static TheoryData<string, byte[]> Malformed() => new()
    {
        { "valid", RawHeader() },
        { "bad magic", RawHeader(magic: "CUSF") },
        { "version 2", RawHeader(version: 2) },
        { "version 0", RawHeader(version: 0) },
        { "unknown suite", RawHeader(suite: 2) },
        { "frameLength 100", RawHeader(frameLength: 100) },
        { "frameLength 4095", RawHeader(frameLength: 4095) },
        { "frameLength 2^20+1", RawHeader(frameLength: (1 << 20) + 1) },
        { "0 wrapped keys", RawHeader(keys: []) },
        { "17 wrapped keys", RawHeader(keys: Enumerable.Range(0, 17).Select(i => ($"k{i}", 1u, 1)).ToArray()) },
        { "keyId 129 bytes", RawHeader(keys: [(new string('k', 129), 1u, 1)]) },
        { "keyId empty", RawHeader(keys: [("", 1u, 1)]) },
        { "keyId with space", RawHeader(keys: [("a b", 1u, 1)]) },
        { "keyVersion 0", RawHeader(keys: [("k", 0u, 1)]) },
        { "keyVersion 2^31", RawHeader(keys: [("k", 1u << 31, 1)]) },
        { "blob empty", RawHeader(keys: [("k", 1u, 0)]) },
        { "blob 4097", RawHeader(keys: [("k", 1u, 4097)]) },
        { "context not sorted", RawHeader(context: ContextBytes(("b", "1"), ("a", "2"))) },
        { "context duplicate key", RawHeader(context: ContextBytes(("a", "1"), ("a", "2"))) },
        { "context empty key", RawHeader(context: ContextBytes(("", "1"))) },
        { "context 65 pairs", RawHeader(context: ContextBytes(Enumerable.Range(0, 65).Select(i => ($"k{i:D3}", "")).ToArray())) },
        { "context value 1025", RawHeader(context: ContextBytes(("a", new string('v', 1025)))) },
        { "context bad utf8", RawHeader(context: [0, 1, 0, 1, 0xFF, 0, 0]) },
        { "empty", [] },
        { "magic only", "CUSE"u8.ToArray() },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Malformed_headers_are_invalid_ciphertext(string name, byte[] bytes)
    {
        var ct = TestContext.Current.CancellationToken;
        if (name == "valid")
        {
            EnvelopeHeader.Parse(bytes, out int length);
            Assert.Equal(bytes.Length, length);
            await EnvelopeHeader.ReadAsync(new NonSeekableStream(bytes), ct);
            return;
        }
        Assert.Throws<InvalidCiphertextException>(() => EnvelopeHeader.Parse(bytes, out _));
        var e = await Assert.ThrowsAsync<InvalidCiphertextException>(() => EnvelopeHeader.ReadAsync(new NonSeekableStream(bytes), ct));
        Assert.Equal("invalid ciphertext", e.Message);
        Assert.Null(e.InnerException);
    }

    [Fact]
    public async Task Every_truncation_of_a_header_is_invalid()
    {
        var bytes = RawHeader(keys: [("k1", 1u, 10), ("k2", 2u, 20)]);
        for (int n = 0; n < bytes.Length; n++)
        {
            var cut = bytes[..n];
            Assert.Throws<InvalidCiphertextException>(() => EnvelopeHeader.Parse(cut, out _));
            await Assert.ThrowsAsync<InvalidCiphertextException>(() => EnvelopeHeader.ReadAsync(new NonSeekableStream(cut), TestContext.Current.CancellationToken));
        }
    }

    /// <summary>Writes a header with arbitrary (possibly out-of-bounds) fields and a dummy commitment and tag.</summary>
    internal static byte[] RawHeader(string magic = "CUSE", byte version = 1, ushort suite = 1, uint frameLength = 4096,
        byte[]? context = null, (string Id, uint Version, int BlobLength)[]? keys = null)
    {
        keys ??= [("key-1", 1u, 8)];
        var ms = new MemoryStream();
        ms.Write(Encoding.ASCII.GetBytes(magic));
        ms.WriteByte(version);
        WriteBe(ms, suite, 2);
        ms.Write(new byte[32]);
        WriteBe(ms, frameLength, 4);
        ms.Write(context ?? Context.ToCanonicalArray());
        ms.WriteByte((byte)keys.Length);
        foreach (var (id, v, blobLength) in keys)
        {
            var idBytes = Encoding.UTF8.GetBytes(id);
            ms.WriteByte((byte)idBytes.Length);
            ms.Write(idBytes);
            WriteBe(ms, v, 4);
            WriteBe(ms, (uint)blobLength, 2);
            ms.Write(new byte[blobLength]);
        }
        ms.Write(new byte[48]);
        return ms.ToArray();
    }

    private static byte[] ContextBytes(params (string Key, string Value)[] pairs)
    {
        var ms = new MemoryStream();
        WriteBe(ms, (uint)pairs.Length, 2);
        foreach (var (k, v) in pairs)
            foreach (var s in new[] { k, v })
            {
                var b = Encoding.UTF8.GetBytes(s);
                WriteBe(ms, (uint)b.Length, 2);
                ms.Write(b);
            }
        return ms.ToArray();
    }

    private static void WriteBe(MemoryStream ms, uint value, int size)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        ms.Write(b[(4 - size)..]);
    }
}
