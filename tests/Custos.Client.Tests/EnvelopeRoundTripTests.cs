using System.IO.Pipes;
using Custos.Client.Tests.Support;
using Custos.Crypto;

namespace Custos.Client.Tests;

/// <summary>Round trips through the SDK (server faked): edge sizes, 1 GiB streamed, tampering and truncation.</summary>
public sealed class EnvelopeRoundTripTests
{
    private const int Frame = 4096;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly EncryptionContext Context = EncryptionContext.From(new Dictionary<string, string> { ["tenant"] = "acme" });

    private static (FakeCustos Fake, CustosEncryptor Encryptor) Make()
    {
        var fake = new FakeCustos();
        return (fake, new CustosEncryptor(fake.Client(), new CustosEncryptorOptions { FrameLength = Frame }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Frame - 1)]
    [InlineData(Frame)]
    [InlineData(Frame + 1)]
    [InlineData(3 * Frame)]
    [InlineData(5 * Frame + 17)]
    public async Task Streams_and_byte_arrays_round_trip(int size)
    {
        var (_, encryptor) = Make();
        using var _e = encryptor;
        var plaintext = new byte[size];
        PatternStream.Fill(plaintext, 0);

        var envelope = new MemoryStream();
        await encryptor.EncryptAsync(new PatternStream(size), envelope, "k1", Context, Ct);
        int frames = Math.Max(1, (size + Frame - 1) / Frame);
        Assert.Equal(frames, CountFrames(envelope.ToArray()));
        envelope.Position = 0;
        var sink = new PatternVerifier();
        await encryptor.DecryptAsync(envelope, sink, Context, Ct);
        Assert.True(sink.Matches);
        Assert.Equal(size, sink.Written);

        // The byte-array overloads write the same format: each side reads the other's output.
        var fromArray = await encryptor.EncryptAsync(plaintext, "k1", Context, Ct);
        Assert.Equal(envelope.Length, fromArray.Length);
        var back = new MemoryStream();
        await encryptor.DecryptAsync(new MemoryStream(fromArray), back, Context, Ct);
        Assert.Equal(plaintext, back.ToArray());
        Assert.Equal(plaintext, await encryptor.DecryptAsync(envelope.ToArray(), Context, Ct));
    }

    private static int CountFrames(byte[] envelope)
    {
        var header = Crypto.Envelope.EnvelopeHeader.Parse(envelope, out int pos);
        int frames = 0;
        while (pos < envelope.Length)
        {
            int length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(envelope.AsSpan(pos + 5));
            pos += 9 + length + 16;
            frames++;
        }
        Assert.Equal(Frame, header.FrameLength);
        return frames;
    }


    [Fact]
    public async Task Any_flipped_bit_truncation_or_extension_is_the_same_invalid_ciphertext()
    {
        var (_, encryptor) = Make();
        using var _e = encryptor;
        var plaintext = new byte[2 * Frame + 100];
        PatternStream.Fill(plaintext, 0);
        var envelope = await encryptor.EncryptAsync(plaintext, "k1", Context, Ct);
        var headerLength = Crypto.Envelope.EnvelopeHeader.Parse(envelope, out int h).Length;
        Assert.Equal(h, headerLength);

        // Flip one bit in every region: magic, message id, context, wrapped key, commitment, tag, frame prefix, body, last tag.
        foreach (int at in new[] { 0, 10, 45, headerLength - 40, headerLength - 1, headerLength + 2, headerLength + 100, envelope.Length - 1 })
        {
            var bad = (byte[])envelope.Clone();
            bad[at] ^= 0x01;
            await AssertInvalidAsync(encryptor, bad, Context);
        }
        // Truncated anywhere (header, frame boundary, inside the last frame), or extended.
        foreach (int cut in new[] { 3, headerLength - 1, headerLength, headerLength + Frame + 25, envelope.Length - 1 })
            await AssertInvalidAsync(encryptor, envelope[..cut], Context);
        await AssertInvalidAsync(encryptor, [.. envelope, 0], Context);
        // Another context.
        await AssertInvalidAsync(encryptor, envelope, EncryptionContext.From(new Dictionary<string, string> { ["tenant"] = "other" }));
    }

    private static async Task AssertInvalidAsync(CustosEncryptor encryptor, byte[] envelope, EncryptionContext context)
    {
        var e1 = await Assert.ThrowsAsync<InvalidCiphertextException>(() => encryptor.DecryptAsync(envelope, context, Ct));
        var e2 = await Assert.ThrowsAsync<InvalidCiphertextException>(() => encryptor.DecryptAsync(new MemoryStream(envelope), Stream.Null, context, Ct));
        Assert.Equal(InvalidCiphertextException.FixedMessage, e1.Message);
        Assert.Equal(InvalidCiphertextException.FixedMessage, e2.Message);
        Assert.Null(e1.InnerException);
    }

    [Fact]
    public async Task Misuse_is_a_clear_argument_error()
    {
        var (_, encryptor) = Make();
        using var _e = encryptor;
        await Assert.ThrowsAsync<ArgumentException>(() => encryptor.EncryptAsync([1], "", Context, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => encryptor.EncryptAsync([1], [], Context, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => encryptor.EncryptAsync(null!, Stream.Null, "k1", Context, Ct));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CustosEncryptor(new FakeCustos().Client(), new CustosEncryptorOptions { FrameLength = 100 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CustosEncryptor(new FakeCustos().Client(),
            new CustosEncryptorOptions { EncryptionCache = new DataKeyCacheOptions { MaxMessages = 0 } }));
    }
}

/// <summary>Tests that measure the process's allocations: they run alone, so other tests do not count.</summary>
[CollectionDefinition(nameof(MemoryMeasured), DisableParallelization = true)]
public sealed class MemoryMeasured;

/// <summary>Memory stays flat with size: 1 GiB streamed end to end, and allocations for two sizes compared.</summary>
[Collection(nameof(MemoryMeasured))]
public sealed class StreamingMemoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly EncryptionContext Context = EncryptionContext.From(new Dictionary<string, string> { ["tenant"] = "acme" });

    [Fact]
    public async Task Allocations_do_not_grow_with_the_size_of_the_stream()
    {
        var fake = new FakeCustos();
        using var encryptor = new CustosEncryptor(fake.Client());
        var small = await MeasureAsync(encryptor, 1 << 20);
        small = await MeasureAsync(encryptor, 1 << 20); // the first run pays for JIT and pools
        var large = await MeasureAsync(encryptor, 128 << 20);
        // 128 times the data; allocations may differ by noise (tasks, timers), not by the size of the data.
        Assert.True(large.Encrypt < small.Encrypt + (256 << 10), $"encrypt: 1 MiB allocated {small.Encrypt:N0} bytes, 128 MiB {large.Encrypt:N0}");
        Assert.True(large.Decrypt < small.Decrypt + (256 << 10), $"decrypt: 1 MiB allocated {small.Decrypt:N0} bytes, 128 MiB {large.Decrypt:N0}");
    }

    private static async Task<(long Encrypt, long Decrypt)> MeasureAsync(CustosEncryptor encryptor, int size)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        await encryptor.EncryptAsync(new PatternStream(size), Stream.Null, "k1", Context, Ct);
        long encrypt = GC.GetTotalAllocatedBytes(precise: true) - before;

        var envelope = new MemoryStream();
        await encryptor.EncryptAsync(new PatternStream(size), envelope, "k1", Context, Ct);
        envelope.Position = 0;
        var sink = new PatternVerifier();
        before = GC.GetTotalAllocatedBytes(precise: true);
        await encryptor.DecryptAsync(envelope, sink, Context, Ct);
        long decrypt = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(sink.Matches);
        Assert.Equal(size, sink.Written);
        return (encrypt, decrypt);
    }

    [Fact]
    public async Task One_GiB_streams_through_encrypt_and_decrypt_without_being_held()
    {
        const long size = 1L << 30;
        var fake = new FakeCustos();
        using var encryptor = new CustosEncryptor(fake.Client()); // default 64 KiB frames
        // The envelope goes through an OS pipe (64 KiB of kernel buffer): neither side can hold it.
        var writer = new AnonymousPipeServerStream(PipeDirection.Out);
        var reader = new AnonymousPipeClientStream(PipeDirection.In, writer.ClientSafePipeHandle);
        var sink = new PatternVerifier();
        long before = GC.GetTotalAllocatedBytes(precise: true);

        var encrypt = Task.Run(async () =>
        {
            await using (writer) await encryptor.EncryptAsync(new PatternStream(size), writer, "k1", Context, Ct);
        }, Ct);
        var decrypt = Task.Run(async () =>
        {
            await using (reader) await encryptor.DecryptAsync(reader, sink, Context, Ct);
        }, Ct);
        await Task.WhenAll(encrypt, decrypt);

        Assert.True(sink.Matches);
        Assert.Equal(size, sink.Written);
        // 1 GiB went through; the process allocated a small fraction of that (buffers come from pools).
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 64L << 20, "allocated too much for a streamed 1 GiB");
    }
}
