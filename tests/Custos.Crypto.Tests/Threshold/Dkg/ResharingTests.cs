using System.Security.Cryptography;
using Custos.Crypto.Threshold;
using Custos.Crypto.Threshold.Dkg;

namespace Custos.Crypto.Tests.Threshold.Dkg;

/// <summary>
/// Resharing moves a key to new custodians or a new threshold without changing its public key: data wrapped
/// before still unwraps, the new shares interpolate to the same private key (checked in the test only), and old and
/// new shares do not combine.
/// </summary>
public sealed class ResharingTests
{
    private static readonly byte[] KeyId = "key-7f3a"u8.ToArray();
    private static readonly byte[] Context = "context"u8.ToArray();

    private static UnwrapResult Unwrap(ThresholdGroup group, ThresholdWrappedKey wrapped, IEnumerable<KeyShare> shares) =>
        ThresholdCombiner.Unwrap(group, wrapped, KeyId, 1, Context,
            shares.Select(s => PartialDecryption.Compute(s, wrapped.Ephemeral, KeyId, 1)));

    private static void AssertSameKey(ThresholdGroup oldGroup, RoundRun next, ThresholdWrappedKey wrapped, byte[] dek)
    {
        var group = next.Group;
        Assert.Equal(oldGroup.PublicKey, group.PublicKey);
        Assert.NotEqual(oldGroup.Fingerprint, group.Fingerprint);
        foreach (var subset in ThresholdKit.Subsets(next.Shares, group.Threshold))
        {
            using var result = Unwrap(group, wrapped, subset);
            Assert.True(result.Succeeded, result.Message);
            Assert.Equal(dek, result.DataKey!.Reveal().ToArray());
            var d = ThresholdKit.ReconstructPrivateKeyForTestOnly(subset);
            Assert.Equal(oldGroup.PublicKey.EncodeUncompressed(), ThresholdKit.DotNetPublicKey(d));
            CryptographicOperations.ZeroMemory(d);
        }
    }

    [Fact]
    public void Two_of_three_moved_to_three_new_custodians_keeps_the_public_key_and_old_data_unwraps()
    {
        using var old = ThresholdKit.Generate(2, 3);
        var dek = RandomNumberGenerator.GetBytes(32);
        var wrapped = ThresholdWrappedKey.Wrap(old.Group.PublicKey, dek, KeyId, 1, Context);

        var p = DkgParameters.ForResharing(old.Group, 2, [4, 5, 6]);
        using var next = ThresholdKit.Reshare(p, old.Shares);

        Assert.Equal([4, 5, 6], next.Group.Participants);
        Assert.Equal([1, 2, 3], next.Transcript.Outcome.Qualified);
        Assert.Equal([1, 2], next.Transcript.Outcome.Combined);
        AssertSameKey(old.Group, next, wrapped, dek);
        // Custodians that left hold no share of the new group: their answers are refused as such.
        var combiner = new ThresholdCombiner(next.Group, wrapped, KeyId, 1);
        Assert.Equal(PartialVerdict.Rejected, combiner.Offer(1, PartialDecryption.Compute(old.Share(1), wrapped.Ephemeral, KeyId, 1)));
        Assert.Equal([new PartialRejection(1, PartialFault.NotAParticipant)], combiner.Rejections);
    }

    [Fact]
    public void Two_of_three_refreshed_in_place_changes_every_share_but_not_the_key()
    {
        using var old = ThresholdKit.Generate(2, 3);
        var dek = RandomNumberGenerator.GetBytes(32);
        var wrapped = ThresholdWrappedKey.Wrap(old.Group.PublicKey, dek, KeyId, 1, Context);

        using var next = ThresholdKit.Reshare(DkgParameters.ForResharing(old.Group, 2, [1, 2, 3]), old.Shares.Where(s => s.Index != 2));

        AssertSameKey(old.Group, next, wrapped, dek);
        foreach (int i in new[] { 1, 2, 3 })
        {
            Assert.NotEqual(old.Group.PublicShare(i), next.Group.PublicShare(i));
            Assert.False(old.Share(i).RevealScalar().SequenceEqual(next.Share(i).RevealScalar()));
        }
    }

    [Fact]
    public void Two_of_three_raised_to_three_of_five_keeps_the_key_and_needs_three()
    {
        using var old = ThresholdKit.Generate(2, 3);
        var dek = RandomNumberGenerator.GetBytes(32);
        var wrapped = ThresholdWrappedKey.Wrap(old.Group.PublicKey, dek, KeyId, 1, Context);

        // Old holder 2 is away: any two old holders suffice.
        using var next = ThresholdKit.Reshare(DkgParameters.ForResharing(old.Group, 3, [1, 2, 3, 4, 5]), [old.Share(1), old.Share(3)]);

        Assert.Equal((3, 5), (next.Group.Threshold, next.Group.Participants.Count));
        Assert.Equal([1, 3], next.Transcript.Outcome.Combined);
        AssertSameKey(old.Group, next, wrapped, dek);
        using var two = Unwrap(next.Group, wrapped, next.Shares.Take(2));
        Assert.Equal(UnwrapError.QuorumNotMet, two.Error);
        Assert.Equal("3 of 5 custodians needed, 2 answered", two.Message);
    }

    [Fact]
    public void Old_and_new_shares_do_not_combine()
    {
        using var old = ThresholdKit.Generate(2, 3);
        var dek = RandomNumberGenerator.GetBytes(32);
        var wrapped = ThresholdWrappedKey.Wrap(old.Group.PublicKey, dek, KeyId, 1, Context);
        using var next = ThresholdKit.Reshare(DkgParameters.ForResharing(old.Group, 2, [1, 2, 3]), old.Shares);
        var e = wrapped.Ephemeral;
        var old1 = PartialDecryption.Compute(old.Share(1), e, KeyId, 1);
        var new2 = PartialDecryption.Compute(next.Share(2), e, KeyId, 1);

        // Against the new group record, an old share's partial is refused: its proof is for the old public share.
        var combiner = new ThresholdCombiner(next.Group, wrapped, KeyId, 1);
        Assert.Equal(PartialVerdict.Rejected, combiner.Offer(1, old1));
        Assert.Equal(PartialVerdict.Accepted, combiner.Offer(2, new2));
        using (var mixed = combiner.Unwrap(Context))
        {
            Assert.Equal(UnwrapError.QuorumNotMet, mixed.Error);
            Assert.Equal("2 of 3 custodians needed, 1 answered with a valid partial; rejected: custodian 1: its proof does not verify against its public share", mixed.Message);
        }
        // Even with the checks bypassed, Lagrange over an old and a new partial is not s·E: the blob does not open.
        var lambdas = Lagrange.AtZero([1, 2]);
        var bypassed = P256Point.FromComputation(P256.SumOfMultiplies([old1.Value.Value, new2.Value.Value], lambdas));
        Assert.Null(wrapped.TryUnwrap(old.Group.PublicKey, bypassed, KeyId, 1, Context));
        // The same bypass over two new partials does open it: the failure above is the mix, not the bypass.
        var new1 = PartialDecryption.Compute(next.Share(1), e, KeyId, 1);
        var consistent = P256Point.FromComputation(P256.SumOfMultiplies([new1.Value.Value, new2.Value.Value], lambdas));
        using var opened = wrapped.TryUnwrap(old.Group.PublicKey, consistent, KeyId, 1, Context);
        Assert.Equal(dek, opened!.Reveal().ToArray());
    }

    [Fact]
    public void An_old_holder_that_deals_something_other_than_its_old_share_is_named_and_the_others_carry_on()
    {
        using var old = ThresholdKit.Generate(2, 3);
        var p = DkgParameters.ForResharing(old.Group, 2, [4, 5, 6]);
        // Holder 1 deals a fresh random polynomial instead of its share (a key-generation dealer with its index).
        using var cheat = Dealer.ForKeyGeneration(DkgParameters.ForKeyGeneration(2, [1, 4, 5, 6]), 1);
        var dealers = new List<Dealer> { cheat, Dealer.ForResharing(p, old.Share(2)), Dealer.ForResharing(p, old.Share(3)) };
        using var next = ThresholdKit.Run(p, dealers);
        dealers[1].Dispose();
        dealers[2].Dispose();

        Assert.Equal(3, next.Complaints.Count);
        Assert.All(next.Complaints, c => Assert.Equal((1, ShareFault.NotTheOldShare), (c.Dealer, c.Reason)));
        Assert.Equal([new DealerFault(1, ShareFault.NotTheOldShare)], next.Transcript.Outcome.Faults);
        Assert.Equal([2, 3], next.Transcript.Outcome.Combined);
        next.AssertAllSucceeded();
        Assert.Equal(old.Group.PublicKey, next.Group.PublicKey);
    }

    [Fact]
    public void Resharing_with_fewer_valid_old_holders_than_the_old_threshold_fails_naming_the_culprit()
    {
        using var old = ThresholdKit.Generate(2, 3);
        var p = DkgParameters.ForResharing(old.Group, 2, [4, 5, 6]);
        var dealers = new List<Dealer> { Dealer.ForResharing(p, old.Share(1)), Dealer.ForResharing(p, old.Share(2)) };
        // Holder 2 sends participant 5 a wrong sub-share and stands by it.
        using var next = ThresholdKit.Run(p, dealers,
            channel: s => s.Dealer == 2 && s.Recipient == 5 ? ThresholdKit.Corrupt(s) : s,
            answer: (dealer, c) => null);
        foreach (var d in dealers) d.Dispose();

        var outcome = next.Transcript.Outcome;
        Assert.False(outcome.Succeeded);
        Assert.Equal("1 of 3 old holders dealt valid shares; resharing needs 2 (the old threshold). dealer 2: it did not answer participant 5's complaint", outcome.Problem);
        Assert.All(next.Results.Values, r => Assert.False(r.Succeeded));
    }

    [Fact]
    public void Resharing_misuse_throws()
    {
        using var old = ThresholdKit.Generate(2, 3);
        using var stranger = ThresholdKit.Generate(2, 3);
        var p = DkgParameters.ForResharing(old.Group, 2, [4, 5, 6]);
        Assert.Throws<ArgumentException>(() => Dealer.ForResharing(p, stranger.Share(1)));
        Assert.Throws<ArgumentException>(() => Dealer.ForResharing(DkgParameters.ForKeyGeneration(2, [1, 2, 3]), old.Share(1)));
        Assert.Throws<ArgumentException>(() => Dealer.ForKeyGeneration(p, 4));
        Assert.Throws<ArgumentException>(() => new Recipient(p, 1));
        Assert.Contains("resharing 2-of-3 threshold group", p.ToString(), StringComparison.Ordinal);
    }
}
