using System.Security.Cryptography;
using Custos.Core.Audit;
using Custos.Crypto.Primitives;
using Custos.Crypto.Transparency;

namespace Custos.Custodian;

/// <summary>
/// Signs checkpoints of the custodian's audit log (C2SP tlog-checkpoint in a signed note, origin
/// <c>custos-custodian/NAME</c>) with an ECDSA P-256 key made on first use and stored sealed under the root key, as a
/// Custos server does under its keyring. A checkpoint is signed when the log grew since the last one.
/// </summary>
public sealed class CustodianCheckpointer(IAuditStore store, CustodianIdentity me, TimeProvider time) : IDisposable
{
    /// <summary>The AAD the audit signing key is sealed with.</summary>
    internal static readonly byte[] KeyAad = "custos/custodian-audit-signing-key/v1"u8.ToArray();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ECDsa? _key;
    private EcdsaP256NoteSigner? _signer;

    /// <summary>The log's origin line.</summary>
    public string Origin => "custos-custodian/" + me.Name;

    /// <summary>The latest checkpoint (signing a new one when the log grew) and the verifier key.</summary>
    public async Task<(StoredCheckpoint Checkpoint, string VerifierKey)> CheckpointAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var signer = await SignerAsync(cancellationToken);
            var latest = await store.LatestCheckpointAsync(cancellationToken);
            var head = await store.GetTreeHeadAsync(cancellationToken);
            if (latest is not null && latest.TreeSize >= head.Size) return (latest, signer.VerifierKey);
            var note = SignedNote.Sign(new Checkpoint(Origin, head.Size, head.RootHash).Format(), signer).Format();
            var checkpoint = new StoredCheckpoint(head.Size, note, time.GetUtcNow());
            await store.SaveCheckpointAsync(checkpoint, cancellationToken);
            return (checkpoint, signer.VerifierKey);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<EcdsaP256NoteSigner> SignerAsync(CancellationToken cancellationToken)
    {
        if (_signer is not null) return _signer;
        var stored = await store.GetSigningKeyAsync(cancellationToken);
        var key = ECDsa.Create();
        if (stored is null)
        {
            key.GenerateKey(ECCurve.NamedCurves.nistP256);
            var pkcs8 = key.ExportPkcs8PrivateKey();
            try
            {
                var sealedKey = me.Seal.Seal(pkcs8, KeyAad);
                await store.SaveSigningKeyAsync(new SealedSigningKey(Origin, key.ExportSubjectPublicKeyInfo(), sealedKey, time.GetUtcNow()), cancellationToken);
            }
            finally { CryptographicOperations.ZeroMemory(pkcs8); }
        }
        else
        {
            using var pkcs8 = me.Seal.Open(stored.SealedPrivateKey, KeyAad)
                ?? throw new InvalidOperationException($"the audit signing key does not open under this custodian's root key ({me.Seal.Description}): "
                    + "a custodian keeps the seal (key file or HSM key) it started with");
            key.ImportPkcs8PrivateKey(pkcs8.Reveal(), out _);
        }
        _key = key;
        _signer = new EcdsaP256NoteSigner(stored?.Name ?? Origin, key);
        return _signer;
    }

    /// <inheritdoc />
    public void Dispose() => _key?.Dispose();
}
