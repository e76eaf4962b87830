namespace Custos.Cli.Audit;

/// <summary>One leaf of the audit log as served or exported: its index, the exact leaf bytes, and the leaf hash the source states.</summary>
/// <param name="Index">The leaf index the source states.</param>
/// <param name="Data">The leaf data (canonical audit event JSON with "index" and "previous").</param>
/// <param name="LeafHash">The leaf hash the source states; checked against <c>MerkleHash.LeafHash(Data)</c>.</param>
public sealed record AuditLeaf(long Index, byte[] Data, byte[] LeafHash);
