using System.Diagnostics;
using System.IO.Pipes;
using Custos.Crypto.Envelope;
using static Custos.Crypto.Tests.Envelope.EnvelopeTestData;

namespace Custos.Crypto.Tests.Envelope;

/// <summary>Runs alone, so that process-wide allocation counters measure only this test.</summary>
[CollectionDefinition(nameof(EnvelopeStreamingCollection), DisableParallelization = true)]
public sealed class EnvelopeStreamingCollection;

[Collection(nameof(EnvelopeStreamingCollection))]
public sealed class EnvelopeStreamingTests
{
    private const long Size = 256L << 20;

    [Fact]
    public async Task A_256_MiB_stream_round_trips_through_a_pipe_in_constant_memory()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dek = NewDek();
        // An OS pipe: non-seekable, bounded, and (unlike System.IO.Pipelines across threads) not itself
        // allocating per write, so the allocation count reflects the envelope code.
        var pipeWriter = new AnonymousPipeServerStream(PipeDirection.Out);
        using var pipeReader = new AnonymousPipeClientStream(PipeDirection.In, pipeWriter.ClientSafePipeHandle);
        var source = new PatternStream(Size);
        var sink = new PatternCheckingStream();

        long before = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        var encrypt = Task.Run(async () =>
        {
            await using (pipeWriter)
                await EnvelopeEncryptor.EncryptAsync(source, pipeWriter, dek, OneKey, Context, cancellationToken: ct);
        }, ct);
        var decrypt = Task.Run(async () =>
        {
            var header = await EnvelopeHeader.ReadAsync(pipeReader, ct);
            await EnvelopeDecryptor.DecryptAsync(header, pipeReader, sink, dek, Context, ct);
        }, ct);
        await Task.WhenAll(encrypt, decrypt);
        stopwatch.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(Size, sink.Position);
        Assert.True(allocated < 8L << 20, $"{allocated:N0} bytes allocated for {Size:N0} bytes of data");
        TestContext.Current.SendDiagnosticMessage($"256 MiB round trip: {stopwatch.Elapsed.TotalSeconds:F2} s, {allocated:N0} bytes allocated");
    }

    /// <summary>byte i = Block[i mod 65521]: cheap to produce and to check, and different in every frame.</summary>
    private static readonly byte[] Block = Pattern(65521 + (1 << 20), seed: 7);

    private sealed class PatternStream(long length) : Stream
    {
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            int n = (int)Math.Min(Math.Min(buffer.Length, 1 << 20), length - _position);
            Block.AsSpan((int)(_position % 65521), n).CopyTo(buffer);
            _position += n;
            return n;
        }
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));
    }

    private sealed class PatternCheckingStream : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get; set; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (buffer.Length > 0)
            {
                int n = Math.Min(buffer.Length, 1 << 20);
                if (!buffer[..n].SequenceEqual(Block.AsSpan((int)(Position % 65521), n)))
                    throw new InvalidDataException($"plaintext differs near offset {Position}");
                Position += n;
                buffer = buffer[n..];
            }
        }
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
    }
}
