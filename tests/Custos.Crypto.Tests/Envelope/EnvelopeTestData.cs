using Custos.Crypto.Envelope;

namespace Custos.Crypto.Tests.Envelope;

/// <summary>Shared inputs and stream helpers for the envelope tests (immutable; nothing is shared mutably).</summary>
internal static class EnvelopeTestData
{
    public static SecretBytes NewDek() => SecretBytes.Random(32);

    public static IReadOnlyList<WrappedKey> OneKey { get; } = [new WrappedKey("key-eu-1", 1, "blob-eu"u8)];

    public static EncryptionContext Context { get; } = EncryptionContext.From(new Dictionary<string, string>
    {
        ["tenant"] = "acme",
        ["purpose"] = "backup",
    });

    public static byte[] Pattern(int length, int seed = 1)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>Encrypts through the streaming path from a non-seekable source.</summary>
    public static async Task<byte[]> EncryptStreamAsync(byte[] plaintext, SecretBytes dek, int frameLength,
        IReadOnlyList<WrappedKey>? keys = null, EncryptionContext? context = null)
    {
        using var output = new MemoryStream();
        using var input = new NonSeekableStream(plaintext);
        await EnvelopeEncryptor.EncryptAsync(input, output, dek, keys ?? OneKey, context ?? Context, frameLength, TestContext.Current.CancellationToken);
        return output.ToArray();
    }

    /// <summary>
    /// Reads the header from a non-seekable stream and decrypts the rest of the same stream.
    /// Whatever was written to the output before a failure is left in <paramref name="output"/>.
    /// </summary>
    public static async Task DecryptStreamAsync(byte[] envelope, SecretBytes dek, MemoryStream output, EncryptionContext? context = null)
    {
        using var input = new NonSeekableStream(envelope);
        var ct = TestContext.Current.CancellationToken;
        var header = await EnvelopeHeader.ReadAsync(input, ct);
        await EnvelopeDecryptor.DecryptAsync(header, input, output, dek, context ?? Context, ct);
    }

    public static async Task<byte[]> DecryptStreamAsync(byte[] envelope, SecretBytes dek, EncryptionContext? context = null)
    {
        using var output = new MemoryStream();
        await DecryptStreamAsync(envelope, dek, output, context);
        return output.ToArray();
    }
}

/// <summary>A read-only, non-seekable stream that hands out data in short, uneven reads.</summary>
internal sealed class NonSeekableStream(byte[] data) : Stream
{
    private int _position;
    private int _turn;

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
        // Uneven read sizes exercise the code paths that must loop until a buffer is full.
        int chunk = (_turn++ % 3) switch { 0 => 1, 1 => 1000, _ => int.MaxValue };
        int n = Math.Min(Math.Min(buffer.Length, chunk), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));
}
