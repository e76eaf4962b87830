using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Custos.Client.Caching;
using Custos.Crypto;
using Custos.Crypto.Envelope;

namespace Custos.Client;

/// <summary>
/// Envelope encryption through Custos (format v1, docs/envelope-format.md). Encrypting asks a server for a
/// data key (or reuses a cached one), optionally wraps it under more keys on other servers, and encrypts
/// locally in frames; decrypting reads the header, unwraps any one wrapped copy (trying each copy on each
/// server until one works) and decrypts. Streams of any size run in constant memory (about two frames).
/// Every decryption failure is the same <see cref="InvalidCiphertextException"/>; output written before it
/// must be discarded. A refusal by the server (disabled key, policy, no server reachable) is a
/// <see cref="CustosException"/>. Thread-safe.
/// </summary>
public sealed class CustosEncryptor : IDisposable
{
    /// <summary>Name of the meter with the cache counters.</summary>
    public const string MeterName = "Custos.Client";

    private readonly IReadOnlyList<CustosClient> _clients;
    private readonly CustosEncryptorOptions _options;
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly DataKeyCache? _encryptCache;
    private readonly DataKeyCache? _decryptCache;
    private readonly ConcurrentDictionary<string, CustosClient> _servers = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<CustosClient, string> _clientIds = [];

    /// <summary>Encrypts and decrypts through one server.</summary>
    public CustosEncryptor(CustosClient client, CustosEncryptorOptions? options = null) : this([client], options) { }

    /// <summary>
    /// Encrypts and decrypts through several servers: the first is the one a plain key reference goes to; to decrypt,
    /// each wrapped copy is tried on the server that made it first (when known), then on the others.
    /// </summary>
    public CustosEncryptor(IReadOnlyList<CustosClient> clients, CustosEncryptorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(clients);
        if (clients.Count == 0 || clients.Any(c => c is null)) throw new ArgumentException("give one or more clients", nameof(clients));
        _clients = [.. clients];
        _options = options ?? new CustosEncryptorOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.FrameLength, EnvelopeHeader.MinFrameLength, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.FrameLength, EnvelopeHeader.MaxFrameLength, nameof(options));
        _options.EncryptionCache?.Validate();
        _options.DecryptionCache?.Validate();
        _ownsMeter = _options.MeterFactory is null;
        _meter = _options.MeterFactory?.Create(MeterName) ?? new Meter(MeterName);
        var hits = _meter.CreateCounter<long>("custos.client.data_key_cache.hits", description: "Data keys served from the cache");
        var misses = _meter.CreateCounter<long>("custos.client.data_key_cache.misses", description: "Cache lookups that had to ask the server");
        if (_options.EncryptionCache is { } e) _encryptCache = new DataKeyCache(e, _options.TimeProvider, hits, misses, "encrypt");
        if (_options.DecryptionCache is { } d) _decryptCache = new DataKeyCache(d, _options.TimeProvider, hits, misses, "decrypt");
    }

    /// <summary>Hits and misses of both caches.</summary>
    public DataKeyCacheStatistics CacheStatistics =>
        new(_encryptCache?.Hits ?? 0, _encryptCache?.Misses ?? 0, _decryptCache?.Hits ?? 0, _decryptCache?.Misses ?? 0);

    /// <summary>Encrypts <paramref name="plaintext"/> (read to its end) into <paramref name="output"/> under <paramref name="key"/> on the first server.</summary>
    public Task EncryptAsync(Stream plaintext, Stream output, string key, EncryptionContext? context = null, CancellationToken cancellationToken = default) =>
        EncryptAsync(plaintext, output, [new KeyTarget(_clients[0], key)], context, cancellationToken);

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> into <paramref name="output"/> with one data key wrapped under each of
    /// <paramref name="keys"/> (1 to 16; the first generates the data key, the others wrap it): any one of them can
    /// decrypt. Every server must answer. With the encryption cache on, a stream whose length is unknown
    /// (not seekable) always gets a fresh data key, since the byte limit could not be kept.
    /// </summary>
    public async Task EncryptAsync(Stream plaintext, Stream output, IReadOnlyList<KeyTarget> keys, EncryptionContext? context = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(output);
        context ??= EncryptionContext.Empty;
        long? length = plaintext.CanSeek ? plaintext.Length - plaintext.Position : null;
        using var dataKey = await DataKeyForAsync(keys, context, length, cancellationToken);
        if (_options.MessageIds is { } ids)
            await EnvelopeEncryptor.EncryptAsync(plaintext, output, dataKey.Key, dataKey.Wrapped, context, _options.FrameLength, ids(), cancellationToken);
        else
            await EnvelopeEncryptor.EncryptAsync(plaintext, output, dataKey.Key, dataKey.Wrapped, context, _options.FrameLength, cancellationToken);
    }

    /// <summary>Encrypts a plaintext held in memory under <paramref name="key"/> on the first server.</summary>
    public Task<byte[]> EncryptAsync(byte[] plaintext, string key, EncryptionContext? context = null, CancellationToken cancellationToken = default) =>
        EncryptAsync(plaintext, [new KeyTarget(_clients[0], key)], context, cancellationToken);

    /// <summary>Encrypts a plaintext held in memory under each of <paramref name="keys"/>.</summary>
    public async Task<byte[]> EncryptAsync(byte[] plaintext, IReadOnlyList<KeyTarget> keys, EncryptionContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        context ??= EncryptionContext.Empty;
        using var dataKey = await DataKeyForAsync(keys, context, plaintext.Length, cancellationToken);
        return _options.MessageIds is { } ids
            ? EnvelopeEncryptor.Encrypt(plaintext, dataKey.Key, dataKey.Wrapped, context, _options.FrameLength, ids())
            : EnvelopeEncryptor.Encrypt(plaintext, dataKey.Key, dataKey.Wrapped, context, _options.FrameLength);
    }

    /// <summary>
    /// Decrypts an envelope from <paramref name="ciphertext"/> (read to its end) into <paramref name="output"/>;
    /// <paramref name="context"/> must equal the one it was encrypted with. Output is complete only when this returns.
    /// </summary>
    public async Task DecryptAsync(Stream ciphertext, Stream output, EncryptionContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(output);
        context ??= EncryptionContext.Empty;
        var header = await EnvelopeHeader.ReadAsync(ciphertext, cancellationToken);
        if (!header.Context.Equals(context)) throw new InvalidCiphertextException();
        var (dataKey, partition) = await UnwrapAsync(header, context, cancellationToken);
        using (dataKey)
        {
            var counting = new CountingStream(output);
            await EnvelopeDecryptor.DecryptAsync(header, ciphertext, counting, dataKey, context, cancellationToken);
            if (partition is not null) _decryptCache!.Charge(partition, counting.Written);
        }
    }

    /// <summary>Decrypts a whole envelope held in memory; the plaintext is returned only when all of it verified.</summary>
    public async Task<byte[]> DecryptAsync(byte[] envelope, EncryptionContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        context ??= EncryptionContext.Empty;
        var header = EnvelopeHeader.Parse(envelope, out _);
        if (!header.Context.Equals(context)) throw new InvalidCiphertextException();
        var (dataKey, partition) = await UnwrapAsync(header, context, cancellationToken);
        using (dataKey)
        {
            var plaintext = EnvelopeDecryptor.Decrypt(envelope, dataKey, context);
            if (partition is not null) _decryptCache!.Charge(partition, plaintext.Length);
            return plaintext;
        }
    }

    /// <summary>A data key and its wrapped copies for one message: from the cache, or fresh from the servers (and then cached).</summary>
    private async Task<CachedDataKey> DataKeyForAsync(IReadOnlyList<KeyTarget> keys, EncryptionContext context, long? length, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count is < 1 or > EnvelopeHeader.MaxWrappedKeys)
            throw new ArgumentException($"give 1 to {EnvelopeHeader.MaxWrappedKeys} keys", nameof(keys));
        foreach (var k in keys)
        {
            if (k?.Client is null) throw new ArgumentException("keys must not be null", nameof(keys));
            ArgumentException.ThrowIfNullOrWhiteSpace(k.Key, nameof(keys));
        }

        string? partition = _encryptCache is not null && length is not null ? EncryptPartition(keys, context) : null;
        if (partition is not null && _encryptCache!.TryUse(partition, length!.Value) is { } cached) return cached;

        using var generated = await keys[0].Client.GenerateDataKeyAsync(keys[0].Key, context, ct);
        Remember(generated.Wrapped.KeyId, keys[0].Client);
        var wrapped = new List<WrappedKey>(keys.Count) { generated.Wrapped };
        var lease = generated.Lease;
        for (int i = 1; i < keys.Count; i++)
        {
            var copy = await keys[i].Client.EncryptDataKeyAsync(keys[i].Key, generated.Plaintext, context, ct);
            Remember(copy.Wrapped.KeyId, keys[i].Client);
            wrapped.Add(copy.Wrapped);
            lease = Stricter(lease, copy.Lease);
        }
        if (partition is not null) _encryptCache!.Add(partition, generated.Plaintext, wrapped, lease, length!.Value);
        return new CachedDataKey(generated.Plaintext.Clone(), wrapped);
    }

    /// <summary>
    /// The data key of <paramref name="header"/>: a cached one for any of its wrapped copies, or the first copy a
    /// server unwraps. Returns the cache partition to charge the decrypted bytes to (null when not cached).
    /// </summary>
    private async Task<(SecretBytes DataKey, string? Partition)> UnwrapAsync(EnvelopeHeader header, EncryptionContext context, CancellationToken ct)
    {
        var partitions = new string?[header.WrappedKeys.Count];
        if (_decryptCache is not null)
        {
            for (int i = 0; i < partitions.Length; i++)
            {
                partitions[i] = DecryptPartition(header.WrappedKeys[i], context);
                if (_decryptCache.TryUse(partitions[i]!, 0, countMiss: i == partitions.Length - 1) is { } hit)
                    return (hit.Key, partitions[i]); // the caller's own copy
            }
        }

        CustosException? refusal = null;
        for (int i = 0; i < partitions.Length; i++)
        {
            var wrapped = header.WrappedKeys[i];
            foreach (var client in Candidates(wrapped.KeyId))
            {
                DecryptedDataKey unwrapped;
                try
                {
                    unwrapped = await client.DecryptDataKeyAsync(wrapped.Blob, context, ct);
                }
                catch (CustosException e) when (e.Code == "invalid-ciphertext")
                {
                    continue; // not this server's key, or not this blob: try the next
                }
                catch (CustosException e)
                {
                    refusal ??= e; // unreachable, disabled, forbidden: another copy may still work
                    continue;
                }
                if (unwrapped.Plaintext.Length != EnvelopeKeySize)
                {
                    unwrapped.Dispose();
                    continue;
                }
                Remember(wrapped.KeyId, client);
                if (partitions[i] is { } partition)
                {
                    _decryptCache!.Add(partition, unwrapped.Plaintext, [wrapped], unwrapped.Lease, 0);
                    return (unwrapped.Plaintext, partition);
                }
                return (unwrapped.Plaintext, null);
            }
        }
        throw refusal is not null ? refusal : new InvalidCiphertextException();
    }

    private const int EnvelopeKeySize = 32;

    /// <summary>The server that last worked for <paramref name="keyId"/> first, then the others in order.</summary>
    private IEnumerable<CustosClient> Candidates(string keyId)
    {
        var known = _servers.GetValueOrDefault(keyId);
        if (known is not null) yield return known;
        foreach (var client in _clients)
            if (!ReferenceEquals(client, known)) yield return client;
    }

    private void Remember(string keyId, CustosClient client) => _servers[keyId] = client;

    private static DataKeyLease Stricter(DataKeyLease a, DataKeyLease b) =>
        !a.Allowed || !b.Allowed ? DataKeyLease.None
            : new DataKeyLease(true, a.MaxAge < b.MaxAge ? a.MaxAge : b.MaxAge, Math.Min(a.MaxMessages, b.MaxMessages), Math.Min(a.MaxBytes, b.MaxBytes));

    /// <summary>Encryption partition: the (server, key) list in order and the canonical context.</summary>
    private string EncryptPartition(IReadOnlyList<KeyTarget> keys, EncryptionContext context)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var k in keys)
        {
            AppendField(hash, Encoding.UTF8.GetBytes(_clientIds.GetValue(k.Client, _ => Guid.NewGuid().ToString("N"))));
            AppendField(hash, Encoding.UTF8.GetBytes(k.Key));
        }
        AppendField(hash, context.Canonical);
        return "e:" + Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>Decryption partition: key id, version, the wrapped blob and the canonical context.</summary>
    private static string DecryptPartition(WrappedKey wrapped, EncryptionContext context)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendField(hash, Encoding.ASCII.GetBytes(wrapped.KeyId));
        AppendField(hash, BitConverter.GetBytes(wrapped.KeyVersion));
        AppendField(hash, wrapped.Blob.Span);
        AppendField(hash, context.Canonical);
        return "d:" + Convert.ToHexString(hash.GetHashAndReset());
    }

    private static void AppendField(IncrementalHash hash, ReadOnlySpan<byte> field)
    {
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, field.Length);
        hash.AppendData(length);
        hash.AppendData(field);
    }

    /// <summary>Zeroes every cached data key and frees the meter (the clients are the caller's).</summary>
    public void Dispose()
    {
        _encryptCache?.Dispose();
        _decryptCache?.Dispose();
        if (_ownsMeter) _meter.Dispose();
    }
}
