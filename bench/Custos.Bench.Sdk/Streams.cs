namespace Custos.Bench.Sdk;

/// <summary>A read-only stream of <c>length</c> bytes copied from a fixed 1 MiB random block: input of any size at memcpy cost.</summary>
internal sealed class SourceStream(long length) : Stream
{
    private static readonly byte[] Block = System.Security.Cryptography.RandomNumberGenerator.GetBytes(1 << 20);
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int total = (int)Math.Min(buffer.Length, length - _position);
        int done = 0;
        while (done < total)
        {
            int at = (int)((_position + done) % Block.Length);
            int n = Math.Min(total - done, Block.Length - at);
            Block.AsSpan(at, n).CopyTo(buffer[done..]);
            done += n;
        }
        _position += total;
        return total;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));
}
