using Custos.Core.Access;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Crypto.Transparency;

namespace Custos.Core.Service;

/// <summary>The latest checkpoint with the log's verifier key.</summary>
public sealed record CheckpointView(StoredCheckpoint Checkpoint, string Origin, byte[] RootHash, string VerifierKey);

/// <summary>
/// Reading the audit log: checkpoints, events, inclusion and consistency proofs, and witness
/// cosignatures. Every call passes the guard (the policy's read-audit operation) and is itself recorded.
/// </summary>
public sealed class AuditService(IAuditStore store, AuditCheckpointer checkpointer, AuditRecorder audit, Guard guard)
{
    /// <summary>The latest signed checkpoint (signing one first when the log grew since).</summary>
    public async Task<Result<CheckpointView>> GetCheckpointAsync(Principal principal, CancellationToken cancellationToken)
    {
        var result = await Guarded<CheckpointView>(principal, async () =>
        {
            var latest = await checkpointer.CheckpointAsync(cancellationToken) ?? await store.LatestCheckpointAsync(cancellationToken);
            var vkey = await checkpointer.VerifierKeyAsync(cancellationToken);
            if (latest is null || vkey is null) return new CustosError(ErrorCode.Sealed, "no checkpoint has been signed yet: unseal Custos first");
            var body = SignedNote.TryParse(latest.Note, out var note) && Crypto.Transparency.Checkpoint.TryParse(note!.Text, out var cp) ? cp! : null;
            if (body is null) return new CustosError(ErrorCode.Unavailable, "the stored checkpoint does not parse; run 'custos audit verify'");
            return new CheckpointView(latest, body.Origin, body.RootHash, vkey);
        });
        return await audit.RecordAsync(principal, "audit.checkpoint", result, _ => (null, null), null, null, cancellationToken);
    }

    /// <summary>Stored checkpoints after a size.</summary>
    public async Task<Result<IReadOnlyList<StoredCheckpoint>>> ListCheckpointsAsync(Principal principal, long afterSize, int limit, CancellationToken cancellationToken)
    {
        var result = await Guarded(principal, async () => Result<IReadOnlyList<StoredCheckpoint>>.Ok(await store.ListCheckpointsAsync(afterSize, limit, cancellationToken)));
        return await audit.RecordAsync(principal, "audit.checkpoints", result, _ => (null, null), null, null, cancellationToken);
    }

    /// <summary>Events matching a query.</summary>
    public async Task<Result<AuditPage>> ReadEventsAsync(Principal principal, AuditQuery query, CancellationToken cancellationToken)
    {
        var result = await Guarded<AuditPage>(principal, async () =>
            query.Limit is < 1 or > 1000 ? CustosError.Invalid("limit is 1 to 1000") : Result<AuditPage>.Ok(await store.ReadAsync(query, cancellationToken)));
        return await audit.RecordAsync(principal, "audit.events", result, _ => (null, null), query.KeyId, null, cancellationToken);
    }

    /// <summary>An inclusion proof of leaf <paramref name="index"/> in the tree of size <paramref name="treeSize"/>.</summary>
    public async Task<Result<(byte[] LeafHash, IReadOnlyList<byte[]> Proof)>> InclusionProofAsync(Principal principal, long index, long treeSize, CancellationToken cancellationToken)
    {
        var result = await Guarded<(byte[], IReadOnlyList<byte[]>)>(principal, async () =>
        {
            var head = await store.GetTreeHeadAsync(cancellationToken);
            if (treeSize < 1 || treeSize > head.Size) return CustosError.Invalid($"treeSize is 1 to {head.Size}");
            if (index < 0 || index >= treeSize) return CustosError.Invalid($"index is 0 to {treeSize - 1}");
            var leaves = await store.GetLeafHashesAsync(treeSize, cancellationToken);
            return Result<(byte[], IReadOnlyList<byte[]>)>.Ok((leaves[(int)index], MerkleTree.InclusionProof(i => leaves[(int)i], index, treeSize)));
        });
        return await audit.RecordAsync(principal, "audit.proof", result, _ => (null, null), null, null, cancellationToken);
    }

    /// <summary>A consistency proof between two tree sizes.</summary>
    public async Task<Result<IReadOnlyList<byte[]>>> ConsistencyProofAsync(Principal principal, long from, long to, CancellationToken cancellationToken)
    {
        var result = await Guarded<IReadOnlyList<byte[]>>(principal, async () =>
        {
            var head = await store.GetTreeHeadAsync(cancellationToken);
            if (to < 0 || to > head.Size) return CustosError.Invalid($"to is 0 to {head.Size}");
            if (from < 0 || from > to) return CustosError.Invalid("from is 0 to 'to'");
            var leaves = await store.GetLeafHashesAsync(to, cancellationToken);
            return Result<IReadOnlyList<byte[]>>.Ok(MerkleTree.ConsistencyProof(i => leaves[(int)i], from, to));
        });
        return await audit.RecordAsync(principal, "audit.consistency", result, _ => (null, null), null, null, cancellationToken);
    }

    /// <summary>
    /// Adds a witness's cosignature lines to the stored checkpoint whose body the posted note carries.
    /// The log's own signature must verify; lines already present are kept once.
    /// </summary>
    public async Task<Result<StoredCheckpoint>> AddCosignaturesAsync(Principal principal, string postedNote, CancellationToken cancellationToken)
    {
        var result = await Guarded<StoredCheckpoint>(principal, async () =>
        {
            if (!SignedNote.TryParse(postedNote, out var posted) || !Crypto.Transparency.Checkpoint.TryParse(posted!.Text, out var cp))
                return CustosError.Invalid("note is not a signed checkpoint");
            var stored = (await store.ListCheckpointsAsync(cp!.Size - 1, 1, cancellationToken)).FirstOrDefault(c => c.TreeSize == cp.Size);
            if (stored is null || !SignedNote.TryParse(stored.Note, out var mine) || mine!.Text != posted.Text)
                return new CustosError(ErrorCode.NotFound, $"no checkpoint of size {cp.Size} with that root was published by this log");
            var merged = mine;
            foreach (var sig in posted.Signatures)
            {
                if (!merged.Signatures.Any(s => s.Format() == sig.Format())) merged = new SignedNote(merged.Text, [.. merged.Signatures, sig]);
            }
            var updated = stored with { Note = merged.Format() };
            await store.UpdateCheckpointNoteAsync(cp.Size, updated.Note, cancellationToken);
            return Result<StoredCheckpoint>.Ok(updated);
        });
        return await audit.RecordAsync(principal, "audit.cosign", result, _ => (null, null), null, null, cancellationToken);
    }

    private async Task<Result<T>> Guarded<T>(Principal principal, Func<Task<Result<T>>> work) =>
        await guard.AuthorizeAsync(principal, Operation.ReadAudit, null, CancellationToken.None) is { } denied ? denied : await work();
}
