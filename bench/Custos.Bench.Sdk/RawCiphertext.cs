using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;

namespace Custos.Bench.Sdk;

/// <summary>
/// The raw decryption baseline: <c>size</c> bytes of AES-256-GCM ciphertext held in memory (as the SDK's envelope is),
/// decrypted chunk by chunk the way a stream reader would: copy a chunk into a work buffer, verify and decrypt it in place.
/// </summary>
internal sealed class RawCiphertext : IDisposable
{
    private readonly AesGcm _gcm = new(RandomNumberGenerator.GetBytes(32), 16);
    private readonly byte[] _data;
    private readonly byte[] _tags;
    private readonly int _chunk;
    private readonly byte[] _aad = new byte[41];

    public RawCiphertext(long size, int chunk)
    {
        _chunk = chunk;
        _data = GC.AllocateUninitializedArray<byte>(checked((int)size));
        int chunks = (int)((size + chunk - 1) / chunk);
        _tags = new byte[chunks * 16];
        new SourceStream(size).ReadExactly(_data);
        var nonce = new byte[12];
        for (int i = 0; i < chunks; i++)
        {
            var part = _data.AsSpan(i * chunk, Math.Min(chunk, _data.Length - i * chunk));
            BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(8), (uint)i + 1);
            _gcm.Encrypt(nonce, part, part, _tags.AsSpan(i * 16, 16), _aad);
        }
    }

    public TimeSpan Decrypt()
    {
        var work = new byte[_chunk];
        var nonce = new byte[12];
        var sw = Stopwatch.StartNew();
        for (int i = 0; i * (long)_chunk < _data.Length; i++)
        {
            int n = Math.Min(_chunk, _data.Length - i * _chunk);
            _data.AsSpan(i * _chunk, n).CopyTo(work);
            BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(8), (uint)i + 1);
            _gcm.Decrypt(nonce, work.AsSpan(0, n), _tags.AsSpan(i * 16, 16), work.AsSpan(0, n), _aad);
        }
        return sw.Elapsed;
    }

    public void Dispose() => _gcm.Dispose();
}
