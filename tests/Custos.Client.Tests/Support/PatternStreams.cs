namespace Custos.Client.Tests.Support;

/// <summary>
/// A read-only stream of <c>length</c> bytes repeating a fixed 4099-byte block (a period that never lines up with
/// frames), produced on the fly so any size can be streamed without holding it.
/// </summary>
internal sealed class PatternStream(long length, bool seekable = false) : Stream
{
    public static readonly byte[] Block = MakeBlock();
    private long _position;

    private static byte[] MakeBlock()
    {
        var block = new byte[4099];
        new Random(42).NextBytes(block);
        return block;
    }

    public override bool CanRead => true;
    public override bool CanSeek => seekable;
    public override bool CanWrite => false;
    public override long Length => seekable ? length : throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = (int)Math.Min(buffer.Length, length - _position);
        Fill(buffer[..n], _position);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

    /// <summary>Writes the pattern bytes for stream positions [offset, offset + target.Length).</summary>
    public static void Fill(Span<byte> target, long offset)
    {
        int start = (int)(offset % Block.Length);
        while (!target.IsEmpty)
        {
            int n = Math.Min(target.Length, Block.Length - start);
            Block.AsSpan(start, n).CopyTo(target);
            target = target[n..];
            start = 0;
        }
    }
}

/// <summary>A write-only sink that checks every byte written against <see cref="PatternStream"/> and counts them.</summary>
internal sealed class PatternVerifier : Stream
{
    private readonly byte[] _expected = new byte[1 << 16];
    public long Written { get; private set; }
    public bool Matches { get; private set; } = true;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Written;
    public override long Position { get => Written; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int n = Math.Min(buffer.Length, _expected.Length);
            PatternStream.Fill(_expected.AsSpan(0, n), Written);
            if (!buffer[..n].SequenceEqual(_expected.AsSpan(0, n))) Matches = false;
            Written += n;
            buffer = buffer[n..];
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }
}
