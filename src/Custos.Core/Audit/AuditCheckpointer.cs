using System.Security.Cryptography;
using Custos.Core.Ports;
using Custos.Core.Seal;
using Custos.Crypto;
using Custos.Crypto.Primitives;
using Custos.Crypto.Transparency;

namespace Custos.Core.Audit;

/// <summary>
/// Signs checkpoints of the audit log (C2SP tlog-checkpoint in a C2SP signed note) with the audit
/// signing key, an ECDSA P-256 key made on first use: in the HSM when an
/// <see cref="IAuditSigningKeySource"/> is configured, otherwise stored only sealed under the keyring.
/// Origin and key name are <c>custos/&lt;root key id&gt;</c>. Works only while unsealed. A log keeps
/// its key: a server configured with another key than the one that signed the log refuses to sign.
/// </summary>
public sealed class AuditCheckpointer : IDisposable
{
    private static readonly byte[] KeyAad = "custos/audit-signing-key/v1"u8.ToArray();
    private readonly IAuditStore _store;
    private readonly SealManager _seal;
    private readonly TimeProvider _time;
    private readonly IAuditSigningKeySource? _hsmKey;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ECDsa? _key;
    private EcdsaP256NoteSigner? _signer;

    /// <summary>Creates the checkpointer; it forgets the private key whenever Custos seals.</summary>
    public AuditCheckpointer(IAuditStore store, SealManager seal, TimeProvider time, IAuditSigningKeySource? hsmKey = null)
    {
        (_store, _seal, _time, _hsmKey) = (store, seal, time, hsmKey);
        _seal.Sealed += (_, _) => Forget();
    }

    /// <summary>The log's origin line, or null before initialisation.</summary>
    public async Task<string?> OriginAsync(CancellationToken cancellationToken) =>
        await _seal.GetRootKeyIdAsync(cancellationToken) is { } id ? "custos/" + id : null;

    /// <summary>The verifier key (C2SP vkey) of the log, or null before the first checkpoint.</summary>
    public async Task<string?> VerifierKeyAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.GetSigningKeyAsync(cancellationToken);
        if (stored is null) return null;
        using var verifier = new EcdsaP256NoteVerifier(stored.Name, stored.PublicKey);
        return verifier.VerifierKey;
    }

    /// <summary>
    /// Signs and stores a checkpoint of the current tree when it grew since the last one (or when there is
    /// none yet). Returns the latest checkpoint, or null while sealed or uninitialised.
    /// </summary>
    public async Task<StoredCheckpoint?> CheckpointAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var latest = await _store.LatestCheckpointAsync(cancellationToken);
            var head = await _store.GetTreeHeadAsync(cancellationToken);
            if (latest is not null && latest.TreeSize >= head.Size) return latest;
            var signer = await SignerAsync(cancellationToken);
            var origin = await OriginAsync(cancellationToken);
            if (signer is null || origin is null) return latest;
            var body = new Checkpoint(origin, head.Size, head.RootHash).Format();
            var note = SignedNote.Sign(body, signer).Format();
            var checkpoint = new StoredCheckpoint(head.Size, note, _time.GetUtcNow());
            await _store.SaveCheckpointAsync(checkpoint, cancellationToken);
            return checkpoint;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<EcdsaP256NoteSigner?> SignerAsync(CancellationToken cancellationToken)
    {
        if (_signer is not null) return _signer;
        var keyring = _seal.Keyring;
        var origin = await OriginAsync(cancellationToken);
        if (keyring is null || origin is null) return null;
        var stored = await _store.GetSigningKeyAsync(cancellationToken);
        if (_hsmKey is not null || stored?.Location is not null) return await HsmSignerAsync(stored, origin, cancellationToken);
        var key = ECDsa.Create();
        try
        {
            if (stored is null)
            {
                key.GenerateKey(ECCurve.NamedCurves.nistP256);
                var pkcs8 = key.ExportPkcs8PrivateKey();
                try
                {
                    var sealedKey = Aead.Seal(keyring.Reveal(), pkcs8, KeyAad);
                    if (!await _store.SaveSigningKeyAsync(new SealedSigningKey(origin, key.ExportSubjectPublicKeyInfo(), sealedKey, _time.GetUtcNow()), cancellationToken))
                        return await SignerAsync(cancellationToken); // another node made one first
                }
                finally { CryptographicOperations.ZeroMemory(pkcs8); }
            }
            else
            {
                using var pkcs8 = Aead.Open(keyring.Reveal(), stored.SealedPrivateKey, KeyAad)
                    ?? throw Errors.Error.Invariant("the audit signing key does not open under this keyring");
                key.ImportPkcs8PrivateKey(pkcs8.Reveal(), out _);
            }
            _key = key;
            _signer = new EcdsaP256NoteSigner(stored?.Name ?? origin, key);
            key = null;
            return _signer;
        }
        finally
        {
            key?.Dispose();
        }
    }

    private async Task<EcdsaP256NoteSigner?> HsmSignerAsync(SealedSigningKey? stored, string origin, CancellationToken cancellationToken)
    {
        if (_hsmKey is null)
            throw Errors.Error.Unavailable($"the audit log is signed by a key held in {stored!.Location}, which is not configured on this server");
        if (stored is not null && stored.Location is null)
            throw Errors.Error.Unavailable("the audit log is signed by a key sealed under the keyring, but this server is configured to sign with an HSM key; a log keeps its signing key");
        var key = _hsmKey.OpenKey();
        try
        {
            var spki = key.ExportSubjectPublicKeyInfo();
            if (stored is null)
            {
                if (!await _store.SaveSigningKeyAsync(new SealedSigningKey(origin, spki, [], _time.GetUtcNow(), _hsmKey.Location), cancellationToken))
                    return await SignerAsync(cancellationToken); // another node made one first
            }
            else if (!CryptographicOperations.FixedTimeEquals(spki, stored.PublicKey))
            {
                throw Errors.Error.Unavailable($"the audit log is signed by another key than the one in {_hsmKey.Location}; a log keeps its signing key");
            }
            _key = key;
            _signer = new EcdsaP256NoteSigner(stored?.Name ?? origin, key);
            key = null;
            return _signer;
        }
        finally
        {
            key?.Dispose();
        }
    }

    private void Forget()
    {
        _signer = null;
        Interlocked.Exchange(ref _key, null)?.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => Forget();
}
