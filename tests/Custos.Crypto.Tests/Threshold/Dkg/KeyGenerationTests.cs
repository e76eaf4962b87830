using System.Security.Cryptography;
using Custos.Crypto.Threshold;
using Custos.Crypto.Threshold.Dkg;

namespace Custos.Crypto.Tests.Threshold.Dkg;

public sealed class KeyGenerationTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(3, 5)]
    [InlineData(5, 5)]
    public void Every_participant_finishes_with_the_same_group_and_a_share_matching_its_public_share(int k, int n)
    {
        using var run = ThresholdKit.Generate(k, n);
        Assert.Empty(run.Complaints);
        Assert.Empty(run.Transcript.Outcome.Faults);
        Assert.Equal(Enumerable.Range(1, n), run.Transcript.Outcome.Qualified);
        var group = run.Group;
        Assert.Equal(k, group.Threshold);
        Assert.Equal(Enumerable.Range(1, n), group.Participants);
        foreach (var (i, result) in run.Results)
        {
            Assert.Equal(group, result.Group);
            Assert.Equal(i, result.Share!.Index);
            Assert.Equal(group.PublicShare(i), result.Share.PublicShare);
        }
        // Distinct public shares, except for k = 1 where the polynomial is constant and every share is the key.
        Assert.Equal(k == 1 ? 1 : n, run.Shares.Select(s => s.PublicShare).Distinct().Count());
    }

    [Theory]
    [InlineData(2, 3)]
    [InlineData(3, 5)]
    public void Any_k_shares_interpolate_to_the_private_key_of_the_group_public_key_in_this_test_only(int k, int n)
    {
        using var run = ThresholdKit.Generate(k, n);
        var expected = run.Group.PublicKey.EncodeUncompressed();
        foreach (var subset in ThresholdKit.Subsets(run.Shares, k))
        {
            var d = ThresholdKit.ReconstructPrivateKeyForTestOnly(subset);
            try { Assert.Equal(expected, ThresholdKit.DotNetPublicKey(d)); }
            finally { CryptographicOperations.ZeroMemory(d); }
        }
        // k − 1 shares interpolate to something else.
        var fewer = ThresholdKit.ReconstructPrivateKeyForTestOnly(run.Shares.Take(k - 1));
        try { Assert.NotEqual(expected, ThresholdKit.DotNetPublicKey(fewer)); }
        finally { CryptographicOperations.ZeroMemory(fewer); }
    }

    [Fact]
    public void The_public_key_is_the_sum_of_the_dealers_constant_commitments_and_public_shares_follow_from_the_commitments()
    {
        using var run = ThresholdKit.Generate(3, 5);
        var c0 = run.Transcript.Dealings.Select(d => d.Commitments[0]).ToList();
        var sum = c0.Skip(1).Aggregate(c0[0].Value, (acc, c) => acc.Add(c.Value)).Normalize();
        Assert.Equal(run.Group.PublicKey.EncodeUncompressed(), sum.GetEncoded(false));

        // Anyone with the encoded group (no secret) derives the same public shares.
        var decoded = ThresholdGroup.TryDecode(run.Group.Encode())!;
        Assert.Equal(run.Group, decoded);
        Assert.Equal(run.Group.Fingerprint, decoded.Fingerprint);
        foreach (var s in run.Shares) Assert.Equal(s.PublicShare, decoded.PublicShare(s.Index));
    }

    [Fact]
    public void A_dealer_that_sends_a_wrong_share_and_stands_by_it_is_named_and_left_out()
    {
        var p = DkgParameters.ForKeyGeneration(2, [1, 2, 3]);
        var dealers = p.Participants.Select(i => Dealer.ForKeyGeneration(p, i)).ToList();
        using var run = ThresholdKit.Run(p, dealers,
            channel: s => s.Dealer == 2 && s.Recipient == 3 ? ThresholdKit.Corrupt(s) : s,
            // The cheating dealer "reveals" the same wrong value it sent.
            answer: (dealer, c) =>
            {
                var honest = dealer.Answer(c).Encode();
                honest[^1] ^= 0x01;
                return ComplaintAnswer.TryDecode(honest);
            });
        foreach (var d in dealers) d.Dispose();

        var complaint = Assert.Single(run.Complaints);
        Assert.Equal((3, 2, ShareFault.NotOnCommitments), (complaint.Complainant, complaint.Dealer, complaint.Reason));
        var outcome = run.Transcript.Outcome;
        Assert.Equal([new DealerFault(2, ShareFault.AnswerDoesNotVerify, 3)], outcome.Faults);
        Assert.Equal("dealer 2: the share it revealed for participant 3 does not match its commitments", outcome.Faults[0].ToString());
        Assert.Equal([1, 3], outcome.Qualified);

        // Everyone, the complainant included, still finishes on the dealings of 1 and 3 — and consistently.
        run.AssertAllSucceeded();
        var dealings = run.Transcript.Dealings.Where(d => d.Dealer != 2).Select(d => d.Commitments[0].Value).ToList();
        Assert.Equal(dealings[0].Add(dealings[1]).Normalize().GetEncoded(true), run.Group.PublicKey.Encode());
        foreach (var subset in ThresholdKit.Subsets(run.Shares, 2))
        {
            var d = ThresholdKit.ReconstructPrivateKeyForTestOnly(subset);
            Assert.Equal(run.Group.PublicKey.EncodeUncompressed(), ThresholdKit.DotNetPublicKey(d));
            CryptographicOperations.ZeroMemory(d);
        }
    }

    [Fact]
    public void A_share_damaged_on_the_way_is_replaced_by_the_dealers_answer_and_the_dealer_stays_in()
    {
        var p = DkgParameters.ForKeyGeneration(2, [1, 2, 3]);
        var dealers = p.Participants.Select(i => Dealer.ForKeyGeneration(p, i)).ToList();
        using var run = ThresholdKit.Run(p, dealers, channel: s => s.Dealer == 1 && s.Recipient == 2 ? ThresholdKit.Corrupt(s) : s);
        foreach (var d in dealers) d.Dispose();

        Assert.Single(run.Complaints);
        Assert.Empty(run.Transcript.Outcome.Faults);
        Assert.Equal([1, 2, 3], run.Transcript.Outcome.Qualified);
        run.AssertAllSucceeded();
        Assert.Equal(run.Group.PublicShare(2), run.Share(2).PublicShare);
    }

    [Fact]
    public void A_missing_share_draws_a_complaint_and_a_dealer_that_never_answers_is_disqualified()
    {
        var p = DkgParameters.ForKeyGeneration(2, [1, 2, 3]);
        var dealers = p.Participants.Select(i => Dealer.ForKeyGeneration(p, i)).ToList();
        using var run = ThresholdKit.Run(p, dealers,
            channel: s => s.Dealer == 3 && s.Recipient == 1 ? null : s,
            answer: (dealer, c) => null);
        foreach (var d in dealers) d.Dispose();

        var complaint = Assert.Single(run.Complaints);
        Assert.Equal(ShareFault.Missing, complaint.Reason);
        Assert.Equal([new DealerFault(3, ShareFault.Unanswered, 1)], run.Transcript.Outcome.Faults);
        Assert.Equal([1, 2], run.Transcript.Outcome.Qualified);
        run.AssertAllSucceeded();
    }

    [Fact]
    public void A_dealing_for_another_threshold_is_a_named_fault()
    {
        var p = DkgParameters.ForKeyGeneration(2, [1, 2, 3]);
        var other = DkgParameters.ForKeyGeneration(3, [1, 2, 3]);
        var dealers = new List<Dealer> { Dealer.ForKeyGeneration(p, 1), Dealer.ForKeyGeneration(other, 2), Dealer.ForKeyGeneration(p, 3) };
        using var run = ThresholdKit.Run(p, dealers);
        foreach (var d in dealers) d.Dispose();

        Assert.All(run.Complaints, c => Assert.Equal((2, ShareFault.WrongThreshold), (c.Dealer, c.Reason)));
        Assert.Equal(3, run.Complaints.Count);
        Assert.Equal([new DealerFault(2, ShareFault.WrongThreshold)], run.Transcript.Outcome.Faults);
        run.AssertAllSucceeded();
    }

    [Fact]
    public void Fewer_than_k_qualified_dealers_fail_the_round_for_everyone_with_the_reason()
    {
        var p = DkgParameters.ForKeyGeneration(2, [1, 2, 3]);
        var dealers = new List<Dealer> { Dealer.ForKeyGeneration(p, 1) };
        using var run = ThresholdKit.Run(p, dealers);
        dealers[0].Dispose();

        var outcome = run.Transcript.Outcome;
        Assert.False(outcome.Succeeded);
        Assert.Null(outcome.Group);
        Assert.Equal(
            "1 of 3 dealers qualified; key generation needs 2 (the threshold). dealer 2: it published no dealing; dealer 3: it published no dealing",
            outcome.Problem);
        Assert.All(run.Results.Values, r => Assert.Equal((false, outcome.Problem), (r.Succeeded, r.Problem)));
    }

    [Fact]
    public void A_recipient_whose_complaint_the_transcript_left_out_refuses_to_finish_and_names_the_dealer()
    {
        var p = DkgParameters.ForKeyGeneration(2, [1, 2, 3]);
        var dealers = p.Participants.Select(i => Dealer.ForKeyGeneration(p, i)).ToList();
        using var run = ThresholdKit.Run(p, dealers,
            channel: s => s.Dealer == 2 && s.Recipient == 3 ? ThresholdKit.Corrupt(s) : s,
            transcriptComplaints: _ => []);
        foreach (var d in dealers) d.Dispose();

        Assert.True(run.Transcript.Outcome.Succeeded);
        Assert.True(run.Results[1].Succeeded);
        Assert.True(run.Results[2].Succeeded);
        Assert.False(run.Results[3].Succeeded);
        Assert.Equal("participant 3 holds no valid share from dealer 2, and the transcript has no answer to its complaint", run.Results[3].Problem);
    }

    [Fact]
    public void A_dealer_that_shows_one_recipient_another_dealing_is_caught_when_that_recipient_finishes()
    {
        var p = DkgParameters.ForKeyGeneration(2, [1, 2, 3]);
        var dealers = p.Participants.Select(i => Dealer.ForKeyGeneration(p, i)).ToList();
        using var twin = Dealer.ForKeyGeneration(p, 2);
        // Recipient 1 gets dealer 2's twin dealing and share (consistent with each other), the transcript holds the real one.
        var channel = (DealtShare s) => s.Dealer == 2 && s.Recipient == 1 ? twin.ShareFor(1) : s;
        using var run = ThresholdKit.Run(p, dealers, channel, dealingSeenBy: (r, d) => d.Index == 2 && r == 1 ? twin.Dealing : d.Dealing);
        foreach (var d in dealers) d.Dispose();

        Assert.Empty(run.Complaints);
        Assert.False(run.Results[1].Succeeded);
        Assert.Equal("dealer 2's dealing in the transcript is not the one participant 1 verified its share against", run.Results[1].Problem);
    }

    [Fact]
    public void Misuse_throws()
    {
        var p = DkgParameters.ForKeyGeneration(2, [1, 2, 3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => DkgParameters.ForKeyGeneration(4, [1, 2, 3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => DkgParameters.ForKeyGeneration(1, [0, 1]));
        Assert.Throws<ArgumentException>(() => DkgParameters.ForKeyGeneration(1, [1, 1]));
        Assert.Throws<ArgumentException>(() => Dealer.ForKeyGeneration(p, 4));
        using var dealer = Dealer.ForKeyGeneration(p, 1);
        using var recipient = new Recipient(p, 2);
        using var forThree = dealer.ShareFor(3);
        Assert.Throws<ArgumentException>(() => recipient.Receive(dealer.Dealing, forThree));
        using var forTwo = dealer.ShareFor(2);
        Assert.Null(recipient.Receive(dealer.Dealing, forTwo));
        Assert.Throws<ArgumentException>(() => recipient.Receive(dealer.Dealing, forTwo));
        Assert.Throws<ArgumentException>(() => new DkgTranscript(p, [dealer.Dealing, dealer.Dealing], [], []));
        Assert.Throws<ArgumentException>(() => dealer.Answer(new Complaint(2, 3, ShareFault.Missing)));
        Assert.Throws<ArgumentException>(() => recipient.Finish(new DkgTranscript(DkgParameters.ForKeyGeneration(3, [1, 2, 3]), [], [], [])));
        Assert.Equal("share from dealer 1 for 2 [redacted]", forTwo.ToString());
    }
}
