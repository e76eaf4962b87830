using Custos.Crypto.Threshold;
using Custos.Crypto.Threshold.Dkg;

namespace Custos.Crypto.Tests.Threshold.Dkg;

/// <summary>Every round message survives its encoding, and a malformed one decodes to null rather than to something else.</summary>
public sealed class DkgMessageTests
{
    private static readonly DkgParameters Parameters = DkgParameters.ForKeyGeneration(2, [1, 2, 3]);

    [Fact]
    public void A_dealing_round_trips_and_every_point_in_it_is_validated()
    {
        using var dealer = Dealer.ForKeyGeneration(Parameters, 2);
        var encoded = dealer.Dealing.Encode();
        Assert.Equal(3 + 2 * 33, encoded.Length);
        var decoded = Dealing.TryDecode(encoded)!;
        Assert.Equal(2, decoded.Dealer);
        Assert.Equal(dealer.Dealing.Commitments, decoded.Commitments);

        Assert.Null(Dealing.TryDecode(encoded.AsSpan(..^1)));                 // truncated
        Assert.Null(Dealing.TryDecode([.. encoded, 0]));               // trailing byte
        Assert.Null(Dealing.TryDecode(With(encoded, 0, 2)));           // unknown version
        Assert.Null(Dealing.TryDecode(With(encoded, 1, 0)));           // dealer 0
        Assert.Null(Dealing.TryDecode(With(encoded, 2, 3)));           // says 3 commitments, has 2
        Assert.Null(Dealing.TryDecode(With(encoded, 3, 0x04)));        // not the compressed form
        // A commitment whose x-coordinate has no point on P-256 (a Wycheproof twist point).
        var twist = Convert.FromHexString("02fd4bf61763b46581fd9174d623516cf3c81edd40e29ffa2777fb6cb0ae3ce535");
        var bad = (byte[])encoded.Clone();
        twist.CopyTo(bad, 3 + 33);
        Assert.Null(Dealing.TryDecode(bad));
    }

    [Fact]
    public void A_dealt_share_round_trips_in_a_secret_buffer_and_a_value_not_below_n_is_refused()
    {
        using var dealer = Dealer.ForKeyGeneration(Parameters, 1);
        using var share = dealer.ShareFor(3);
        using var encoded = share.Encode();
        Assert.Equal(DealtShare.EncodedSize, encoded.Length);
        using var decoded = DealtShare.TryDecode(encoded.Reveal())!;
        Assert.Equal((1, 3), (decoded.Dealer, decoded.Recipient));
        using var recipient = new Recipient(Parameters, 3);
        Assert.Null(recipient.Receive(dealer.Dealing, decoded));

        var n = Convert.FromHexString("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
        Assert.Null(DealtShare.TryDecode([1, 1, 3, .. n]));
        Assert.Null(DealtShare.TryDecode(encoded.Reveal()[..^1]));
        Assert.Null(DealtShare.TryDecode([1, 0, 3, .. new byte[32]]));
    }

    [Fact]
    public void Complaints_and_answers_round_trip_and_unknown_reasons_are_refused()
    {
        var complaint = new Complaint(3, 2, ShareFault.NotOnCommitments);
        var decoded = Complaint.TryDecode(complaint.Encode())!;
        Assert.Equal((3, 2, ShareFault.NotOnCommitments), (decoded.Complainant, decoded.Dealer, decoded.Reason));
        Assert.Null(Complaint.TryDecode([1, 3, 2, 99]));
        Assert.Null(Complaint.TryDecode([1, 3, 2]));
        Assert.Equal("participant 3 complains about dealer 2: the share for participant 3 does not match its commitments", complaint.ToString());

        using var dealer = Dealer.ForKeyGeneration(Parameters, 2);
        var answer = dealer.Answer(complaint);
        var decodedAnswer = ComplaintAnswer.TryDecode(answer.Encode())!;
        Assert.Equal((2, 3), (decodedAnswer.Dealer, decodedAnswer.Complainant));
        Assert.Equal(answer.Encode(), decodedAnswer.Encode());
        Assert.Null(ComplaintAnswer.TryDecode(answer.Encode().AsSpan(..^1)));
    }

    [Fact]
    public void A_group_round_trips_and_a_damaged_encoding_is_refused()
    {
        using var run = ThresholdKit.Generate(2, 3);
        var encoded = run.Group.Encode();
        Assert.Equal(3 + 3 + 2 * 33, encoded.Length);
        Assert.Equal(run.Group, ThresholdGroup.TryDecode(encoded));
        Assert.Null(ThresholdGroup.TryDecode(encoded.AsSpan(..^1)));
        Assert.Null(ThresholdGroup.TryDecode(With(encoded, 1, 4)));     // k > n
        Assert.Null(ThresholdGroup.TryDecode(With(encoded, 4, 1)));     // participants 1, 1, 3: not increasing
        Assert.Null(ThresholdGroup.TryDecode(With(encoded, 3, 0)));     // participant 0
        Assert.Null(ThresholdGroup.TryDecode(With(encoded, 6, 0x05)));  // first commitment's prefix
        Assert.Equal($"2-of-3 threshold group {run.Group.Fingerprint[..16]}", run.Group.ToString());
        Assert.Throws<ArgumentException>(() => run.Group.PublicShare(4));
    }

    [Fact]
    public void A_key_share_checks_its_scalar_and_never_prints_it()
    {
        var n = Convert.FromHexString("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
        Assert.Throws<ArgumentException>(() => KeyShare.FromScalar(1, new byte[32]));
        Assert.Throws<ArgumentException>(() => KeyShare.FromScalar(1, n));
        Assert.Throws<ArgumentException>(() => KeyShare.FromScalar(1, new byte[31]));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyShare.FromScalar(0, [.. new byte[31], 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyShare.FromScalar(256, [.. new byte[31], 1]));

        using var one = KeyShare.FromScalar(7, [.. new byte[31], 1]);
        Assert.Equal(P256Point.Generator, one.PublicShare);
        Assert.Equal("key share 7 [redacted]", one.ToString());

        using var run = ThresholdKit.Generate(2, 3);
        var original = run.Share(2);
        using var restored = KeyShare.FromScalar(2, original.RevealScalar());
        Assert.Equal(run.Group.PublicShare(2), restored.PublicShare);
        restored.Dispose();
        Assert.Throws<ObjectDisposedException>(() => restored.RevealScalar().ToArray());
    }

    private static byte[] With(byte[] source, int index, byte value)
    {
        var copy = (byte[])source.Clone();
        copy[index] = value;
        return copy;
    }
}
