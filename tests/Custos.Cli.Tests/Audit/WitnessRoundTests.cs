using Custos.Cli.Audit;
using Custos.Cli.Commands.Audit;
using Custos.Cli.Tests.Infrastructure;
using Custos.Crypto.Transparency;
using Microsoft.Extensions.Time.Testing;

namespace Custos.Cli.Tests.Audit;

public sealed class WitnessRoundTests
{
    private static WitnessState StateAt(SyntheticLog log, long size) => new(size, SyntheticLog.Root(log.Leaves, size), log.Note(size));

    private static IReadOnlyList<byte[]> Proof(SyntheticLog log, long m, long n) => Proof(log.Leaves, m, n);

    private static IReadOnlyList<byte[]> Proof(List<AuditLeaf> leaves, long m, long n) => MerkleTree.ConsistencyProof(i => leaves[(int)i].LeafHash, m, n);

    [Fact]
    public void First_contact_is_cosigned()
    {
        using var log = new SyntheticLog(20);

        var d = WitnessRound.Decide(log.VerifierKey, log.VerifierKey, null, log.Note(20));

        Assert.Equal(WitnessVerdict.Cosign, d.Verdict);
        Assert.Equal(20, d.Checkpoint!.Size);
    }

    [Fact]
    public void Growth_needs_a_consistency_proof_and_a_valid_one_is_cosigned()
    {
        using var log = new SyntheticLog(60);
        var last = StateAt(log, 17);

        var first = WitnessRound.Decide(log.VerifierKey, log.VerifierKey, last, log.Note(60));
        var second = WitnessRound.Decide(log.VerifierKey, log.VerifierKey, last, log.Note(60), Proof(log, 17, 60));

        Assert.Equal(WitnessVerdict.NeedConsistencyProof, first.Verdict);
        Assert.Equal(17, first.ProofFrom);
        Assert.Equal(WitnessVerdict.Cosign, second.Verdict);
        Assert.False(second.IsAlarm);
    }

    [Fact]
    public void Growth_from_size_zero_needs_no_proof()
    {
        using var log = new SyntheticLog(5);

        var d = WitnessRound.Decide(log.VerifierKey, log.VerifierKey, StateAt(log, 0), log.Note(5));

        Assert.Equal(WitnessVerdict.Cosign, d.Verdict);
    }

    [Fact]
    public void The_same_checkpoint_is_up_to_date()
    {
        using var log = new SyntheticLog(20);

        var d = WitnessRound.Decide(log.VerifierKey, log.VerifierKey, StateAt(log, 20), log.Note(20));

        Assert.Equal(WitnessVerdict.UpToDate, d.Verdict);
        Assert.False(d.IsAlarm);
    }

    [Fact]
    public void The_same_size_with_another_root_is_a_fork()
    {
        using var log = new SyntheticLog(20);
        var forked = SyntheticLog.Chain([.. Enumerable.Range(0, 20).Select(i => SyntheticLog.Event(i, i == 7 ? "key.export" : "data.encrypt"))]);

        var d = WitnessRound.Decide(log.VerifierKey, log.VerifierKey, StateAt(log, 20), log.Note(20, forked));

        Assert.Equal(WitnessVerdict.Fork, d.Verdict);
        Assert.True(d.IsAlarm);
        Assert.StartsWith("FORK: the log serves checkpoint 20 (root ", d.Message, StringComparison.Ordinal);
        Assert.Contains($"but checkpoint 20 (root {Convert.ToBase64String(SyntheticLog.Root(log.Leaves, 20))}) was cosigned", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_smaller_checkpoint_is_a_rollback()
    {
        using var log = new SyntheticLog(20);

        var d = WitnessRound.Decide(log.VerifierKey, log.VerifierKey, StateAt(log, 20), log.Note(15));

        Assert.Equal(WitnessVerdict.Rollback, d.Verdict);
        Assert.True(d.IsAlarm);
    }

    [Fact]
    public void An_inconsistent_proof_is_refused()
    {
        using var log = new SyntheticLog(60);
        var rewritten = SyntheticLog.Chain([.. Enumerable.Range(0, 60).Select(i => SyntheticLog.Event(i, i == 3 ? "key.export" : "data.encrypt"))]);
        var last = StateAt(log, 17);

        // The log now serves a 60-leaf tree whose prefix is not the cosigned 17-leaf tree, with its honest proof.
        var d = WitnessRound.Decide(log.VerifierKey, log.VerifierKey, last, log.Note(60, rewritten), Proof(rewritten, 17, 60));
        var garbage = WitnessRound.Decide(log.VerifierKey, log.VerifierKey, last, log.Note(60), [new byte[32]]);

        Assert.Equal(WitnessVerdict.Inconsistent, d.Verdict);
        Assert.Equal(WitnessVerdict.Inconsistent, garbage.Verdict);
        Assert.True(d.IsAlarm);
    }

    [Fact]
    public void A_different_log_key_is_refused()
    {
        using var log = new SyntheticLog(20);
        using var other = new SyntheticLog(20);

        var served = WitnessRound.Decide(log.VerifierKey, other.VerifierKey, StateAt(log, 10), other.Note(20));
        var signed = WitnessRound.Decide(log.VerifierKey, log.VerifierKey, StateAt(log, 10), other.Note(20));

        Assert.Equal(WitnessVerdict.WrongLogKey, served.Verdict);
        Assert.Equal(WitnessVerdict.BadSignature, signed.Verdict);
        Assert.True(served.IsAlarm && signed.IsAlarm);
    }

    [Fact]
    public void The_cosigned_note_verifies_under_the_log_key_and_the_witness_key()
    {
        using var log = new SyntheticLog(20);
        using var tmp = new TempDir();
        var w = AuditWitness.Open(tmp.File("w"), "witness-test", new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20000)), out bool created);
        var again = AuditWitness.Open(tmp.File("w"), "witness-test", TimeProvider.System, out bool createdAgain);
        var d = WitnessRound.Decide(log.VerifierKey, log.VerifierKey, null, log.Note(20));

        byte[] seed = File.ReadAllBytes(Path.Combine(tmp.File("w"), "witness.key"));
        var cosigned = d.Note!.AddSignature(new Ed25519CosignatureV1Signer("witness-test", seed, TimeProvider.System));

        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Equal(w.VerifierKey, again.VerifierKey);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(tmp.File("w"), "witness.key")));
        Assert.True(NoteVerifier.TryParse(w.VerifierKey, out var witnessKey));
        Assert.True(NoteVerifier.TryParse(log.VerifierKey, out var logKey));
        Assert.True(SignedNote.TryParse(cosigned.Format(), out var parsed));
        Assert.True(parsed!.Verify(witnessKey!));
        Assert.True(parsed.Verify(logKey!));
    }
}
