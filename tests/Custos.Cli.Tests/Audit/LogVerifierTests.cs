using Custos.Cli.Audit;
using Custos.Crypto.Transparency;

namespace Custos.Cli.Tests.Audit;

public sealed class LogVerifierTests
{
    private static readonly long[] Sizes = [0, 10, 40, 52, 60];

    [Fact]
    public void A_valid_log_verifies()
    {
        using var log = new SyntheticLog(60);

        var r = LogVerifier.Verify(log.VerifierKey, log.Notes(Sizes), log.Leaves);

        Assert.True(r.Ok, r.Problem);
        Assert.Equal(60, r.Events);
        Assert.Equal(5, r.Checkpoints);
        Assert.Equal(60, r.LatestSize);
        Assert.Equal(SyntheticLog.Root(log.Leaves, 60), r.LatestRoot);
        Assert.True(r.RootsChecked);
    }

    [Fact]
    public void Events_beyond_the_latest_checkpoint_are_fine()
    {
        using var log = new SyntheticLog(60);

        var r = LogVerifier.Verify(log.VerifierKey, log.Notes(10, 40), log.Leaves);

        Assert.True(r.Ok, r.Problem);
        Assert.Equal(60, r.Events);
        Assert.Equal(40, r.LatestSize);
    }

    [Fact]
    public void A_changed_event_with_its_leaf_hash_recomputed_breaks_the_chain_at_the_next()
    {
        using var log = new SyntheticLog(60);
        var notes = log.Notes(Sizes);
        var leaves = log.Leaves.ToList();
        leaves[17] = SyntheticLog.Leaf(17, leaves[16].LeafHash, SyntheticLog.Event(17, "key.destroy"));

        var r = LogVerifier.Verify(log.VerifierKey, notes, leaves);

        Assert.False(r.Ok);
        Assert.Equal(17, r.FirstBadIndex);
        Assert.StartsWith("event 18: hash chain broken (previous does not match event 17", r.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_event_with_a_stale_leaf_hash_is_named()
    {
        using var log = new SyntheticLog(60);
        var notes = log.Notes(Sizes);
        var leaves = log.Leaves.ToList();
        leaves[17] = leaves[17] with { Data = SyntheticLog.LeafData(17, leaves[16].LeafHash, SyntheticLog.Event(17, "key.destroy")) };

        var r = LogVerifier.Verify(log.VerifierKey, notes, leaves);

        Assert.Equal(17, r.FirstBadIndex);
        Assert.Equal("event 17: leaf hash does not match its data", r.Problem);
    }

    [Fact]
    public void A_deleted_event_is_named_when_the_rest_are_renumbered()
    {
        using var log = new SyntheticLog(60);
        var notes = log.Notes(Sizes);
        var leaves = log.Leaves.ToList();
        leaves.RemoveAt(17);

        var r = LogVerifier.Verify(log.VerifierKey, notes, SyntheticLog.Renumber(leaves));

        Assert.Equal(17, r.FirstBadIndex);
        Assert.StartsWith("event 17: its data says index 18", r.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deleted_event_is_named_when_the_served_indexes_have_a_gap()
    {
        using var log = new SyntheticLog(60);
        var leaves = log.Leaves.ToList();
        leaves.RemoveAt(17);

        var r = LogVerifier.Verify(log.VerifierKey, log.Notes(Sizes), leaves);

        Assert.Equal(17, r.FirstBadIndex);
        Assert.Equal("event 17: missing (the next event served is 18)", r.Problem);
    }

    [Fact]
    public void Two_swapped_events_are_named()
    {
        using var log = new SyntheticLog(60);
        var leaves = log.Leaves.ToList();
        (leaves[17], leaves[18]) = (leaves[18], leaves[17]);

        var r = LogVerifier.Verify(log.VerifierKey, log.Notes(Sizes), SyntheticLog.Renumber(leaves));

        Assert.Equal(17, r.FirstBadIndex);
        Assert.StartsWith("event 17: its data says index 18", r.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_inserted_event_forged_to_fit_the_chain_is_named()
    {
        using var log = new SyntheticLog(60);
        var leaves = log.Leaves.ToList();
        leaves.Insert(17, SyntheticLog.Leaf(17, leaves[16].LeafHash, SyntheticLog.Event(999, "key.export")));

        var r = LogVerifier.Verify(log.VerifierKey, log.Notes(Sizes), SyntheticLog.Renumber(leaves));

        Assert.Equal(17, r.FirstBadIndex);
        Assert.StartsWith("event 18: its data says index 17: 1 event(s) inserted at or after event 17", r.Problem, StringComparison.Ordinal);
    }

    /// <summary>
    /// Checkpoints fall at any size (the server signs every 10 s), so an edit of the last event a checkpoint covers
    /// must be named as precisely as any other: the next event's links name it, not just the checkpoint's range.
    /// </summary>
    [Theory]
    [InlineData("inserted", "event 40: its data says index 39: 1 event(s) inserted at or after event 39")]
    [InlineData("rewritten", "event 40: hash chain broken (previous does not match event 39; event 39 or 40 was altered)")]
    [InlineData("swapped", "event 38: its data says index 39: events missing or reordered from event 38")]
    public void An_edit_of_the_last_event_a_checkpoint_covers_is_named_exactly(string what, string problem)
    {
        using var log = new SyntheticLog(60);
        var leaves = log.Leaves.ToList();
        switch (what)
        {
            case "inserted": leaves.Insert(39, SyntheticLog.Leaf(39, leaves[38].LeafHash, SyntheticLog.Event(999, "key.export"))); leaves = SyntheticLog.Renumber(leaves); break;
            case "rewritten": leaves[39] = SyntheticLog.Leaf(39, leaves[38].LeafHash, SyntheticLog.Event(39, "key.destroy")); break;
            case "swapped": (leaves[38], leaves[39]) = (leaves[39], leaves[38]); leaves = SyntheticLog.Renumber(leaves); break;
        }

        var r = LogVerifier.Verify(log.VerifierKey, log.Notes(Sizes), leaves);

        Assert.Equal(problem, r.Problem);
        Assert.Equal(what == "swapped" ? 38 : 39, r.FirstBadIndex);
    }

    [Fact]
    public void A_truncated_log_is_detected_by_a_later_checkpoint()
    {
        using var log = new SyntheticLog(60);

        var r = LogVerifier.Verify(log.VerifierKey, log.Notes(Sizes), log.Leaves.Take(40));

        Assert.False(r.Ok);
        Assert.Equal(40, r.FirstBadIndex);
        Assert.Equal(52, r.CheckpointSize);
        Assert.Equal("events end at 40 (the last is event 39) but checkpoint 52 covers 52 events", r.Problem);
    }

    [Fact]
    public void A_checkpoint_resigned_with_another_key_is_rejected()
    {
        using var log = new SyntheticLog(60);
        using var other = new SyntheticLog(0);
        var notes = log.Notes(Sizes);
        notes[3] = log.Note(52, signer: other.Signer);

        var r = LogVerifier.Verify(log.VerifierKey, notes, log.Leaves);

        Assert.False(r.Ok);
        Assert.Equal(52, r.CheckpointSize);
        Assert.Equal("checkpoint 52: not signed by the log key", r.Problem);
        Assert.Equal(3, r.Checkpoints);
    }

    [Fact]
    public void A_checkpoint_with_a_forged_signature_under_the_log_key_name_is_rejected()
    {
        using var log = new SyntheticLog(60);
        var notes = log.Notes(Sizes);
        Assert.True(SignedNote.TryParse(notes[3], out var note));
        var sig = note!.Signatures[0].Signature;
        sig[^1] ^= 1;
        notes[3] = new SignedNote(note.Text, [new NoteSignature(note.Signatures[0].Name, note.Signatures[0].KeyId, sig)]).Format();

        var r = LogVerifier.Verify(log.VerifierKey, notes, log.Leaves);

        Assert.Equal("checkpoint 52: not signed by the log key", r.Problem);
    }

    [Fact]
    public void Events_rewritten_consistently_are_caught_by_the_root_and_the_range_named()
    {
        using var log = new SyntheticLog(60);
        var notes = log.Notes(Sizes);
        var events = Enumerable.Range(0, 60).Select(i => SyntheticLog.Event(i, i == 45 ? "key.export" : "data.encrypt")).ToList();
        var rewritten = SyntheticLog.Chain(events);

        var r = LogVerifier.Verify(log.VerifierKey, notes, rewritten);

        Assert.False(r.Ok);
        Assert.Equal(40, r.FirstBadIndex);
        Assert.Equal(52, r.CheckpointSize);
        Assert.StartsWith("checkpoint 52: root does not match events 0..51 (their hash chain is intact, so events 40..51 were rewritten consistently", r.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_last_event_is_caught_by_the_checkpoint_covering_it()
    {
        using var log = new SyntheticLog(60);
        var notes = log.Notes(Sizes);
        var leaves = log.Leaves.ToList();
        leaves[59] = SyntheticLog.Leaf(59, leaves[58].LeafHash, SyntheticLog.Event(59, "key.destroy"));

        var r = LogVerifier.Verify(log.VerifierKey, notes, leaves);

        Assert.Equal(52, r.FirstBadIndex);
        Assert.StartsWith("checkpoint 60: root does not match events 0..59", r.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Consistency_proofs_are_checked_when_given()
    {
        using var log = new SyntheticLog(60);
        var good = new Dictionary<(long, long), IReadOnlyList<byte[]>>
        {
            [(40, 52)] = MerkleTree.ConsistencyProof(i => log.Leaves[(int)i].LeafHash, 40, 52),
        };
        var bad = new Dictionary<(long, long), IReadOnlyList<byte[]>>
        {
            [(40, 52)] = MerkleTree.ConsistencyProof(i => log.Leaves[(int)i].LeafHash, 41, 52),
        };

        Assert.True(LogVerifier.Verify(log.VerifierKey, log.Notes(Sizes), log.Leaves, consistencyProofs: good).Ok);
        var r = LogVerifier.Verify(log.VerifierKey, log.Notes(Sizes), log.Leaves, consistencyProofs: bad);
        Assert.Equal("checkpoint 52: the consistency proof from checkpoint 40 does not verify", r.Problem);
    }

    [Fact]
    public void A_partial_log_checks_chain_and_signatures_but_not_roots()
    {
        using var log = new SyntheticLog(60);

        var r = LogVerifier.Verify(log.VerifierKey, log.Notes(Sizes), log.Leaves.Skip(20), firstIndex: 20);

        Assert.True(r.Ok, r.Problem);
        Assert.False(r.RootsChecked);
        Assert.Equal(40, r.Events);

        var leaves = log.Leaves.Skip(20).ToList();
        leaves[5] = SyntheticLog.Leaf(25, leaves[4].LeafHash, SyntheticLog.Event(25, "key.destroy"));
        Assert.Equal(25, LogVerifier.Verify(log.VerifierKey, log.Notes(Sizes), leaves, firstIndex: 20).FirstBadIndex);
    }

    [Fact]
    public void Event_data_that_is_not_an_audit_event_is_named()
    {
        using var log = new SyntheticLog(5);
        var leaves = log.Leaves.ToList();
        var data = "{\"index\":3}"u8.ToArray();
        leaves[3] = new AuditLeaf(3, data, MerkleHash.LeafHash(data));

        var r = LogVerifier.Verify(log.VerifierKey, [], leaves);

        Assert.Equal(3, r.FirstBadIndex);
        Assert.Equal("event 3: data is not an audit event", r.Problem);
    }
}
