using System.Collections.Concurrent;
using System.Text;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Ports;
using Custos.Crypto;
using Custos.Crypto.Primitives;

namespace Custos.Keystores.Software;

/// <summary>
/// The sealed software keystore. Each key version is 32 random bytes, stored (as the version's
/// material handle) only sealed under the keyring key with AES-256-GCM:
/// <code>{ nonce 12 | key 32 | tag 16 }, AAD = "custos/software-key/v1:" keyId ":" version</code>
/// The keyring key exists only in memory while Custos is unsealed. Opened keys are kept in pinned,
/// zeroing buffers until the server seals or the version is destroyed.
/// </summary>
public sealed class SoftwareKeystore : IKeystore, IDisposable
{
    private const int KeySize = 32;
    private readonly IKeyringProvider _keyring;
    private readonly ConcurrentDictionary<(string KeyId, int Version), SecretBytes> _open = new();
    // Uses of an opened key hold the read side; zeroing keys (seal, destroy) takes the write side, so a
    // key is never zeroed while an operation is using it (which would silently make bad ciphertext).
    private readonly ReaderWriterLockSlim _gate = new(LockRecursionPolicy.NoRecursion);

    /// <summary>Creates the keystore; it drops its opened keys whenever Custos seals.</summary>
    public SoftwareKeystore(IKeyringProvider keyring)
    {
        _keyring = keyring;
        _keyring.Sealed += OnSealed;
    }

    /// <inheritdoc />
    public string Name => "software";

    /// <inheritdoc />
    public KeyCustody Custody => KeyCustody.Software;

    /// <inheritdoc />
    public ValueTask<byte[]> CreateKeyAsync(string keyId, int version, KeySpec spec, CancellationToken cancellationToken)
    {
        CheckSpec(spec);
        var keyring = _keyring.Keyring ?? throw SealedError();
        using var key = SecretBytes.Random(KeySize);
        try
        {
            return ValueTask.FromResult(Aead.Seal(keyring.Reveal(), key.Reveal(), MaterialAad(keyId, version)));
        }
        catch (ObjectDisposedException) { throw SealedError(); }
    }

    /// <inheritdoc />
    public ValueTask<byte[]> EncryptAsync(KeyVersionRef version, ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> aad, CancellationToken cancellationToken)
    {
        _gate.EnterReadLock();
        try
        {
            return ValueTask.FromResult(Aead.Seal(Open(version).Reveal(), plaintext.Span, aad.Span));
        }
        catch (ObjectDisposedException) { throw SealedError(); }
        finally { _gate.ExitReadLock(); }
    }

    /// <inheritdoc />
    public ValueTask<SecretBytes?> DecryptAsync(KeyVersionRef version, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> aad, CancellationToken cancellationToken)
    {
        _gate.EnterReadLock();
        try
        {
            return ValueTask.FromResult(Aead.Open(Open(version).Reveal(), ciphertext.Span, aad.Span));
        }
        catch (ObjectDisposedException) { throw SealedError(); }
        finally { _gate.ExitReadLock(); }
    }

    /// <inheritdoc />
    public ValueTask DestroyKeyAsync(KeyVersionRef version, CancellationToken cancellationToken)
    {
        // The material exists only as the sealed handle in the version record, which the repository
        // deletes; here only the opened copy in memory must go.
        _gate.EnterWriteLock();
        try
        {
            if (_open.TryRemove((version.KeyId, version.Version), out var key)) key.Dispose();
        }
        finally { _gate.ExitWriteLock(); }
        return ValueTask.CompletedTask;
    }

    private SecretBytes Open(KeyVersionRef version)
    {
        CheckSpec(version.Spec);
        if (_open.TryGetValue((version.KeyId, version.Version), out var cached)) return cached;
        var keyring = _keyring.Keyring ?? throw SealedError();
        SecretBytes? opened;
        try { opened = Aead.Open(keyring.Reveal(), version.Material, MaterialAad(version.KeyId, version.Version)); }
        catch (ObjectDisposedException) { throw SealedError(); }
        if (opened is null || opened.Length != KeySize)
        {
            opened?.Dispose();
            if (_keyring.Keyring is null) throw SealedError(); // the keyring was zeroed under us by a seal
            throw Error.Invariant($"the software key material of {version.KeyId} v{version.Version} does not open under this keyring");
        }
        var winner = _open.GetOrAdd((version.KeyId, version.Version), opened);
        if (!ReferenceEquals(winner, opened)) opened.Dispose();
        // Sealed meanwhile: the Sealed handler waits for our read lock, then drops what we just added.
        if (_keyring.Keyring is null) throw SealedError();
        return winner;
    }

    private static void CheckSpec(KeySpec spec)
    {
        if (spec != KeySpec.Aes256Gcm) throw new ArgumentException($"the software keystore does not support {spec}");
    }

    private static byte[] MaterialAad(string keyId, int version) =>
        Encoding.ASCII.GetBytes($"custos/software-key/v1:{keyId}:{version}");

    private static CustosUnavailableException SealedError() => Error.Unavailable("Custos is sealed");

    private void OnSealed(object? sender, EventArgs e)
    {
        _gate.EnterWriteLock();
        try
        {
            foreach (var k in _open.Keys)
            {
                if (_open.TryRemove(k, out var key)) key.Dispose();
            }
        }
        finally { _gate.ExitWriteLock(); }
    }

    /// <summary>Zeroes every opened key.</summary>
    public void Dispose()
    {
        _keyring.Sealed -= OnSealed;
        OnSealed(this, EventArgs.Empty);
    }
}
