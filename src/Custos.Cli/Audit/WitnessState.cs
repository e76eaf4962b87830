namespace Custos.Cli.Audit;

/// <summary>What a witness remembers: the last checkpoint it cosigned (size, root, and the log-signed note as evidence).</summary>
/// <param name="TreeSize">The cosigned checkpoint's size.</param>
/// <param name="RootHash">Its 32-byte root hash.</param>
/// <param name="Note">The signed note as served, kept as evidence for a later fork or rollback; may be null.</param>
public sealed record WitnessState(long TreeSize, byte[] RootHash, string? Note);
