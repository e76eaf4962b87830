using Custos.Core.Audit;
using Custos.Crypto.Transparency;

namespace Custos.Cli.Audit;

/// <summary>
/// Verifies an audit log from its leaves and signed checkpoints, with no I/O, in constant memory apart from the
/// checkpoints. Feed leaves in order with <see cref="Add"/>, then call <see cref="Complete"/>.
/// <para>Per leaf i (in this order, so the first failing check names the first bad index):</para>
/// <list type="number">
/// <item>the stated index is i (indexes dense from the first one);</item>
/// <item>the stated leaf hash is <see cref="MerkleHash.LeafHash"/> of the data;</item>
/// <item>the data is an <see cref="AuditEvent"/> whose "index" is i (a smaller one means events were inserted
/// from there, a larger one that events are missing or reordered from i);</item>
/// <item>its "previous" is the leaf hash of i-1 (absent for i = 0) — a break implicates i-1 or i.</item>
/// </list>
/// <para>Per checkpoint of size S, checked when leaf S arrives or the leaves end (so in log order with the leaves;
/// a failure of leaf S that names an earlier event is reported first, being more precise):
/// it parses, has the log's origin, is signed by the log key, its root equals the root of leaves 0..S-1
/// (recomputed with <see cref="CompactRange"/>), and is consistent with the previous checkpoint when a
/// consistency proof is supplied. A checkpoint beyond the last leaf means the log was truncated.</para>
/// <para>When the leaves start at an index above 0 (a partial export), roots cannot be recomputed: the chain,
/// hashes and checkpoint signatures are checked and <see cref="LogVerification.RootsChecked"/> is false.</para>
/// </summary>
public sealed class LogVerifier
{
    private readonly NoteVerifier? _logKey;
    private readonly List<(Checkpoint Checkpoint, SignedNote Note)> _checkpoints = [];
    private readonly IReadOnlyDictionary<(long From, long To), IReadOnlyList<byte[]>> _proofs;
    private readonly long _firstIndex;
    private readonly CompactRange _range = new();
    private int _nextCheckpoint;
    private int _checked;
    private long _count;
    private byte[]? _previousHash;
    private string? _origin;
    private long _lastMatchedSize;
    private byte[]? _lastRoot;
    private long _lastSize;
    private LogVerification? _failure;

    /// <summary>
    /// A verifier for the log whose key is <paramref name="verifierKey"/> (C2SP vkey), with its checkpoint notes in
    /// increasing size, leaves starting at <paramref name="firstIndex"/>, and optional consistency proofs between
    /// successive checkpoints keyed by (from size, to size).
    /// </summary>
    public LogVerifier(string verifierKey, IEnumerable<string> checkpointNotes, long firstIndex = 0,
        IReadOnlyDictionary<(long From, long To), IReadOnlyList<byte[]>>? consistencyProofs = null)
    {
        ArgumentNullException.ThrowIfNull(checkpointNotes);
        ArgumentOutOfRangeException.ThrowIfNegative(firstIndex);
        _firstIndex = firstIndex;
        _proofs = consistencyProofs ?? new Dictionary<(long, long), IReadOnlyList<byte[]>>();
        if (!NoteVerifier.TryParse(verifierKey, out _logKey))
        {
            _failure = Fail("the log verifier key does not parse");
            return;
        }
        int n = 0;
        foreach (var text in checkpointNotes)
        {
            n++;
            if (!SignedNote.TryParse(text, out var note) || !Checkpoint.TryParse(note!.Text, out var cp))
            {
                _failure = Fail($"checkpoint #{n} in the list does not parse as a signed checkpoint note");
                return;
            }
            if (_checkpoints.Count > 0 && cp!.Size < _checkpoints[^1].Checkpoint.Size)
            {
                _failure = Fail($"checkpoint {cp.Size}: listed after checkpoint {_checkpoints[^1].Checkpoint.Size} (not in increasing size)", checkpoint: cp.Size);
                return;
            }
            _checkpoints.Add((cp!, note));
        }
    }

    /// <summary>True while no problem has been found.</summary>
    public bool IsValid => _failure is null;

    /// <summary>Checks the next leaf; false once a problem has been found (further leaves are ignored).</summary>
    public bool Add(AuditLeaf leaf)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        if (_failure is not null) return false;
        // The leaf's own checks first: when its links name an event that a due checkpoint covers (the last event
        // before a checkpoint was changed or one was inserted there), that names it exactly, while the checkpoint's
        // root mismatch could only name the range since the previous checkpoint.
        var leafFailure = CheckLeaf(Position, leaf);
        if (leafFailure is not { FirstBadIndex: { } named } || named >= Position) CheckDueCheckpoints();
        _failure ??= leafFailure;
        if (_failure is not null) return false;
        if (_firstIndex == 0) _range.Append(leaf.LeafHash);
        _previousHash = leaf.LeafHash;
        _count++;
        return true;
    }

    /// <summary>Checks the remaining checkpoints and returns the outcome.</summary>
    public LogVerification Complete()
    {
        if (_failure is null) CheckDueCheckpoints();
        if (_failure is null && _nextCheckpoint < _checkpoints.Count)
        {
            long size = _checkpoints[_nextCheckpoint].Checkpoint.Size;
            _failure = Fail($"events end at {Position} (the last is event {Position - 1}) but checkpoint {size} covers {size} events", Position, size);
        }
        return _failure ?? new LogVerification
        {
            Ok = true, Events = _count, Checkpoints = _checked, LatestSize = _lastSize, LatestRoot = _lastRoot, RootsChecked = _firstIndex == 0,
        };
    }

    /// <summary>Verifies a whole log in one call.</summary>
    public static LogVerification Verify(string verifierKey, IEnumerable<string> checkpointNotes, IEnumerable<AuditLeaf> leaves, long firstIndex = 0,
        IReadOnlyDictionary<(long From, long To), IReadOnlyList<byte[]>>? consistencyProofs = null)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        var verifier = new LogVerifier(verifierKey, checkpointNotes, firstIndex, consistencyProofs);
        foreach (var leaf in leaves)
            if (!verifier.Add(leaf)) break;
        return verifier.Complete();
    }

    private long Position => _firstIndex + _count;

    private LogVerification? CheckLeaf(long i, AuditLeaf leaf)
    {
        if (leaf.Index > i) return Fail($"event {i}: missing (the next event served is {leaf.Index})", i);
        if (leaf.Index < i) return Fail($"event {i}: expected, but event {leaf.Index} was served again or out of order", i);
        if (leaf.LeafHash is not { Length: MerkleHash.Size } || !leaf.LeafHash.AsSpan().SequenceEqual(MerkleHash.LeafHash(leaf.Data)))
            return Fail($"event {i}: leaf hash does not match its data", i);
        // One parse: the event's own "index" and "previous" are the links (the leaf hash covers the exact bytes).
        if (AuditEvent.FromLeafData(leaf.Data) is not { } e) return Fail($"event {i}: data is not an audit event", i);
        if (e.Index is not long j || j < 0) return Fail($"event {i}: data has no valid index", i);
        byte[]? previous = e.Previous is null ? null : DecodeHash(e.Previous);
        bool badPrevious = e.Previous is not null && previous is null;
        if (j < i) return Fail($"event {i}: its data says index {j}: {i - j} event(s) inserted at or after event {j}", Math.Max(j, _firstIndex));
        if (j > i) return Fail($"event {i}: its data says index {j}: events missing or reordered from event {i}", i);
        if (badPrevious) return Fail($"event {i}: previous is not a 32-byte base64 hash", i);
        if (i == 0)
            return previous is null ? null : Fail("event 0: has a previous hash but is the first event", 0);
        if (previous is null) return Fail($"event {i}: has no previous hash", i);
        if (_previousHash is not null && !previous.AsSpan().SequenceEqual(_previousHash))
            return Fail($"event {i}: hash chain broken (previous does not match event {i - 1}; event {i - 1} or {i} was altered)", i - 1);
        return null;
    }

    private void CheckDueCheckpoints()
    {
        while (_failure is null && _nextCheckpoint < _checkpoints.Count && _checkpoints[_nextCheckpoint].Checkpoint.Size <= Position)
        {
            var (cp, note) = _checkpoints[_nextCheckpoint++];
            _failure = CheckCheckpoint(cp, note);
            if (_failure is null) _checked++;
        }
    }

    private LogVerification? CheckCheckpoint(Checkpoint cp, SignedNote note)
    {
        long s = cp.Size;
        _origin ??= cp.Origin;
        if (cp.Origin != _origin) return Fail($"checkpoint {s}: origin '{cp.Origin}' differs from '{_origin}'", checkpoint: s);
        if (!note.Verify(_logKey!)) return Fail($"checkpoint {s}: not signed by the log key", checkpoint: s);
        byte[] root = cp.RootHash;
        if (_firstIndex == 0)
        {
            if (!root.AsSpan().SequenceEqual(_range.RootHash()))
            {
                string range = s == 0 ? "the empty log" : $"events 0..{s - 1}";
                return Fail($"checkpoint {s}: root does not match {range} (their hash chain is intact, so events {_lastMatchedSize}..{s - 1} were rewritten consistently, or the checkpoint signs other events)",
                    _lastMatchedSize, s);
            }
            _lastMatchedSize = s;
        }
        if (_lastRoot is not null && _proofs.TryGetValue((_lastSize, s), out var proof) && !MerkleTree.VerifyConsistency(_lastSize, s, _lastRoot, root, proof))
            return Fail($"checkpoint {s}: the consistency proof from checkpoint {_lastSize} does not verify", checkpoint: s);
        _lastSize = s;
        _lastRoot = root;
        return null;
    }

    /// <summary>A base64 32-byte hash, or null.</summary>
    private static byte[]? DecodeHash(string base64)
    {
        var hash = new byte[MerkleHash.Size];
        return Convert.TryFromBase64String(base64, hash, out int n) && n == MerkleHash.Size ? hash : null;
    }

    private LogVerification Fail(string problem, long? firstBad = null, long? checkpoint = null) => new()
    {
        Ok = false, Events = _count, Checkpoints = _checked, LatestSize = _lastSize, LatestRoot = _lastRoot, RootsChecked = _firstIndex == 0,
        Problem = problem, FirstBadIndex = firstBad, CheckpointSize = checkpoint,
    };
}
