using Custos.Crypto.Transparency;

namespace Custos.Cli.Audit;

/// <summary>
/// The witness's decision for one served checkpoint, with no I/O (c2sp.org/tlog-witness semantics):
/// the log key must be the pinned one and must sign the note; against the last cosigned checkpoint
/// a smaller size is a rollback, the same size with another root a fork, a larger size needs a
/// consistency proof (RFC 9162 §2.1.4) — from size 0 none is needed. Only then is it cosigned.
/// </summary>
public static class WitnessRound
{
    /// <summary>
    /// Decides what to do with <paramref name="note"/>, served with <paramref name="servedVerifierKey"/>, given the
    /// pinned log key and the last cosigned state (null on first contact). Pass <paramref name="consistencyProof"/>
    /// after a <see cref="WitnessVerdict.NeedConsistencyProof"/> answer.
    /// </summary>
    public static WitnessDecision Decide(string pinnedVerifierKey, string servedVerifierKey, WitnessState? last, string note,
        IReadOnlyList<byte[]>? consistencyProof = null)
    {
        if (!NoteVerifier.TryParse(pinnedVerifierKey, out var logKey))
            throw new ArgumentException("the pinned log verifier key does not parse", nameof(pinnedVerifierKey));
        if (!string.Equals(pinnedVerifierKey.Trim(), servedVerifierKey?.Trim(), StringComparison.Ordinal))
            return new(WitnessVerdict.WrongLogKey, $"the log presents verifier key '{servedVerifierKey}' but '{pinnedVerifierKey.Trim()}' is pinned");
        if (!SignedNote.TryParse(note, out var signed) || !Checkpoint.TryParse(signed!.Text, out var cp))
            return new(WitnessVerdict.BadSignature, "the served checkpoint is not a signed checkpoint note");
        if (!signed.Verify(logKey!))
            return new(WitnessVerdict.BadSignature, $"checkpoint {cp!.Size} is not signed by the pinned log key", cp, signed);

        byte[] root = cp!.RootHash;
        string served = $"checkpoint {cp.Size} (root {Convert.ToBase64String(root)})";
        string cosigned = last is null ? "" : $"checkpoint {last.TreeSize} (root {Convert.ToBase64String(last.RootHash)})";
        if (last is null)
            return new(WitnessVerdict.Cosign, $"first contact: checkpoint {cp.Size}", cp, signed);
        if (cp.Size < last.TreeSize)
            return new(WitnessVerdict.Rollback, $"ROLLBACK: the log serves {served} after {cosigned} was cosigned", cp, signed);
        if (cp.Size == last.TreeSize)
        {
            return root.AsSpan().SequenceEqual(last.RootHash)
                ? new(WitnessVerdict.UpToDate, $"checkpoint {cp.Size} already cosigned", cp, signed)
                : new(WitnessVerdict.Fork, $"FORK: the log serves {served} but {cosigned} was cosigned: two histories of the same size", cp, signed);
        }
        if (last.TreeSize > 0 && consistencyProof is null)
            return new(WitnessVerdict.NeedConsistencyProof, $"need a consistency proof from {last.TreeSize} to {cp.Size}", cp, signed, last.TreeSize);
        if (!MerkleTree.VerifyConsistency(last.TreeSize, cp.Size, last.RootHash, root, consistencyProof ?? []))
            return new(WitnessVerdict.Inconsistent, $"INCONSISTENT: {served} does not extend the cosigned {cosigned}: the consistency proof fails (a forked history)", cp, signed, last.TreeSize);
        return new(WitnessVerdict.Cosign, $"checkpoint {cp.Size} extends checkpoint {last.TreeSize}", cp, signed);
    }
}
