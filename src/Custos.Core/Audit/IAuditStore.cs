namespace Custos.Core.Audit;

/// <summary>The size and root hash of the audit Merkle tree.</summary>
public sealed record TreeHead(long Size, byte[] RootHash);

/// <summary>One stored leaf: its index, leaf hash and exact leaf data (canonical JSON of the event).</summary>
public sealed record AuditLeaf(long Index, byte[] LeafHash, byte[] Data);

/// <summary>Filters for reading events; all optional; <see cref="After"/> is exclusive.</summary>
public sealed record AuditQuery(long After = -1, int Limit = 100, string? KeyId = null, string? Principal = null,
    string? Operation = null, string? Outcome = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>A page of leaves and where the next page starts (exclusive), or null at the end.</summary>
public sealed record AuditPage(IReadOnlyList<AuditLeaf> Leaves, long? Next);

/// <summary>A signed checkpoint as stored: tree size and the signed note (with any witness cosignatures).</summary>
public sealed record StoredCheckpoint(long TreeSize, string Note, DateTimeOffset CreatedAt);

/// <summary>
/// The audit signing key: its public key (SPKI DER) and either its PKCS#8 private key sealed under the
/// keyring (<paramref name="Location"/> null) or, when the private key is in an HSM, where (and an empty
/// <paramref name="SealedPrivateKey"/>).
/// </summary>
public sealed record SealedSigningKey(string Name, byte[] PublicKey, byte[] SealedPrivateKey, DateTimeOffset CreatedAt, string? Location = null);

/// <summary>
/// Reads of the audit log and storage of its checkpoints and signing key. Appends go through
/// <see cref="IAuditLog"/> and the repositories, which keep the tree head current.
/// </summary>
public interface IAuditStore
{
    /// <summary>The current tree head (every committed event).</summary>
    Task<TreeHead> GetTreeHeadAsync(CancellationToken cancellationToken);

    /// <summary>The leaf hashes of leaves 0..size-1 (for proofs); throws ArgumentOutOfRange when size exceeds the tree.</summary>
    Task<IReadOnlyList<byte[]>> GetLeafHashesAsync(long size, CancellationToken cancellationToken);

    /// <summary>Leaves in index order matching <paramref name="query"/>.</summary>
    Task<AuditPage> ReadAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>Stores a checkpoint; false when one of that size exists.</summary>
    Task<bool> SaveCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>Checkpoints with sizes after <paramref name="afterSize"/>, in increasing size.</summary>
    Task<IReadOnlyList<StoredCheckpoint>> ListCheckpointsAsync(long afterSize, int limit, CancellationToken cancellationToken);

    /// <summary>The newest checkpoint, or null.</summary>
    Task<StoredCheckpoint?> LatestCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the note of the checkpoint of that size (to add cosignatures); false when there is none.</summary>
    Task<bool> UpdateCheckpointNoteAsync(long treeSize, string note, CancellationToken cancellationToken);

    /// <summary>The signing key, or null before the first checkpoint.</summary>
    Task<SealedSigningKey?> GetSigningKeyAsync(CancellationToken cancellationToken);

    /// <summary>Stores the signing key once; false when one exists (then use that one).</summary>
    Task<bool> SaveSigningKeyAsync(SealedSigningKey key, CancellationToken cancellationToken);
}
