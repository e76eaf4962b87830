using System.Security.Cryptography;
using Custos.Crypto.Threshold;

namespace Custos.Crypto.Tests.Threshold;

/// <summary>
/// Partial decryptions and their combination: each wrong partial (wrong share, wrong point, forged or replayed proof)
/// is refused with the custodian named and never combined, the unwrap still succeeds with enough others, and too few
/// valid partials fail closed with a message the custodian layer can show.
/// </summary>
public sealed class ThresholdCombinerTests
{
    private static readonly byte[] KeyId = "key-7f3a"u8.ToArray();
    private static readonly byte[] Context = "context"u8.ToArray();

    private sealed class Setup : IDisposable
    {
        public Setup(int k, int n)
        {
            Run = ThresholdKit.Generate(k, n);
            Dek = RandomNumberGenerator.GetBytes(32);
            Wrapped = ThresholdWrappedKey.Wrap(Run.Group.PublicKey, Dek, KeyId, 1, Context);
        }

        public RoundRun Run { get; }
        public byte[] Dek { get; }
        public ThresholdWrappedKey Wrapped { get; }
        public ThresholdGroup Group => Run.Group;
        public ThresholdCombiner Combiner() => new(Group, Wrapped, KeyId, 1);
        public PartialDecryption Honest(int i) => PartialDecryption.Compute(Run.Share(i), Wrapped.Ephemeral, KeyId, 1);
        public void Dispose() => Run.Dispose();
    }

    /// <summary>Custodian <paramref name="index"/> answering with a share that is not its own.</summary>
    private static PartialDecryption WrongShare(int index, P256Point ephemeral)
    {
        var scalar = new byte[32];
        scalar[0] = 0x01;
        RandomNumberGenerator.Fill(scalar.AsSpan(1));
        using var impostor = KeyShare.FromScalar(index, scalar);
        CryptographicOperations.ZeroMemory(scalar);
        return PartialDecryption.Compute(impostor, ephemeral, KeyId, 1);
    }

    /// <summary><paramref name="partial"/> with its point D replaced by another valid point (the proof left as it was).</summary>
    private static byte[] WithPoint(PartialDecryption partial, P256Point point)
    {
        var b = partial.Encode();
        point.Encode(b.AsSpan(2, 33));
        return b;
    }

    [Fact]
    public void A_partial_from_a_wrong_share_is_refused_naming_the_custodian_and_the_others_unwrap()
    {
        using var s = new Setup(2, 3);
        var combiner = s.Combiner();
        Assert.Equal(PartialVerdict.Rejected, combiner.Offer(1, WrongShare(1, s.Wrapped.Ephemeral)));
        Assert.Equal(PartialVerdict.Accepted, combiner.Offer(2, s.Honest(2)));
        Assert.False(combiner.HasQuorum);
        Assert.Equal(PartialVerdict.Accepted, combiner.Offer(3, s.Honest(3)));
        Assert.True(combiner.HasQuorum);

        using var result = combiner.Unwrap(Context);
        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(s.Dek, result.DataKey!.Reveal().ToArray());
        Assert.Equal([2, 3], result.Combined);
        Assert.Equal([new PartialRejection(1, PartialFault.ProofDoesNotVerify)], result.Rejections);
        Assert.Equal("custodian 1: its proof does not verify against its public share", result.Rejections[0].ToString());
    }

    [Fact]
    public void A_wrong_point_a_forged_proof_a_replayed_proof_and_a_stolen_identity_are_each_refused()
    {
        using var s = new Setup(3, 5);
        var combiner = s.Combiner();
        var honest1 = s.Honest(1);

        // 1: the right proof with another point D.
        Assert.Equal(PartialVerdict.Rejected, combiner.Offer(1, WithPoint(honest1, s.Honest(2).Value)));
        // 2: the right point with a random proof.
        var forged = s.Honest(2).Encode();
        RandomNumberGenerator.Fill(forged.AsSpan(2 + 33, 32));
        Assert.Equal(PartialVerdict.Rejected, combiner.Offer(2, forged));
        // 3: an honest partial for another wrapped key's E, replayed here.
        var other = ThresholdWrappedKey.Wrap(s.Group.PublicKey, s.Dek, KeyId, 1, Context);
        Assert.Equal(PartialVerdict.Rejected, combiner.Offer(3, PartialDecryption.Compute(s.Run.Share(3), other.Ephemeral, KeyId, 1)));
        // 4: custodian 4 sends custodian 5's partial as its own, then relabelled with its own index.
        Assert.Equal(PartialVerdict.Rejected, combiner.Offer(4, s.Honest(5)));
        var relabelled = s.Honest(5).Encode();
        relabelled[1] = 4;
        Assert.Equal(PartialVerdict.Rejected, combiner.Offer(4, relabelled));

        Assert.Equal(
            [
                new PartialRejection(1, PartialFault.ProofDoesNotVerify),
                new PartialRejection(2, PartialFault.ProofDoesNotVerify),
                new PartialRejection(3, PartialFault.ProofDoesNotVerify),
                new PartialRejection(4, PartialFault.WrongParticipant),
                new PartialRejection(4, PartialFault.ProofDoesNotVerify),
            ],
            combiner.Rejections);
        Assert.False(combiner.HasQuorum);

        // Custodians 1, 3 and 5 answering honestly are enough.
        Assert.Equal(PartialVerdict.Accepted, combiner.Offer(1, honest1));
        Assert.Equal(PartialVerdict.Accepted, combiner.Offer(3, s.Honest(3)));
        Assert.Equal(PartialVerdict.Accepted, combiner.Offer(5, s.Honest(5)));
        using var result = combiner.Unwrap(Context);
        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(s.Dek, result.DataKey!.Reveal().ToArray());
        Assert.Equal([1, 3, 5], result.Combined);
        Assert.Equal(5, result.Rejections.Count);
    }

    [Fact]
    public void Fewer_than_k_valid_partials_fail_closed_saying_how_many_were_needed_and_how_many_answered()
    {
        using var s = new Setup(2, 3);
        var one = s.Combiner();
        one.Offer(1, s.Honest(1));
        using (var result = one.Unwrap(Context))
        {
            Assert.Equal(UnwrapError.QuorumNotMet, result.Error);
            Assert.Equal("2 of 3 custodians needed, 1 answered", result.Message);
            Assert.Null(result.DataKey);
            Assert.Empty(result.Combined);
            Assert.Equal((2, 3), (result.Needed, result.Custodians));
        }

        var none = s.Combiner();
        using (var result = none.Unwrap(Context)) Assert.Equal("2 of 3 custodians needed, 0 answered", result.Message);

        var withBad = s.Combiner();
        withBad.Offer(1, s.Honest(1));
        withBad.Offer(3, WrongShare(3, s.Wrapped.Ephemeral));
        using (var result = withBad.Unwrap(Context))
        {
            Assert.Equal(UnwrapError.QuorumNotMet, result.Error);
            Assert.Equal("2 of 3 custodians needed, 1 answered with a valid partial; rejected: custodian 3: its proof does not verify against its public share", result.Message);
        }
    }

    [Fact]
    public void The_first_k_valid_partials_are_combined_and_later_ones_are_not_needed()
    {
        using var s = new Setup(2, 3);
        var combiner = s.Combiner();
        Assert.Equal(PartialVerdict.Accepted, combiner.Offer(3, s.Honest(3)));
        Assert.Equal(PartialVerdict.Rejected, combiner.Offer(3, s.Honest(3)));
        Assert.Equal(PartialVerdict.Accepted, combiner.Offer(1, s.Honest(1)));
        Assert.Equal(PartialVerdict.NotNeeded, combiner.Offer(2, s.Honest(2)));
        Assert.Equal([3, 1], combiner.Accepted);
        Assert.Equal([new PartialRejection(3, PartialFault.Duplicate)], combiner.Rejections);
        using var result = combiner.Unwrap(Context);
        Assert.Equal([3, 1], result.Combined);
        Assert.Equal(s.Dek, result.DataKey!.Reveal().ToArray());
    }

    [Fact]
    public void Bytes_that_are_not_a_partial_or_come_from_outside_the_group_are_refused_with_their_reason()
    {
        using var s = new Setup(2, 3);
        var combiner = s.Combiner();
        var good = s.Honest(1).Encode();
        Assert.Equal(PartialVerdict.Rejected, combiner.Offer(1, good.AsSpan(..^1)));
        Assert.Equal(PartialVerdict.Rejected, combiner.Offer(1, ReadOnlySpan<byte>.Empty));
        var offCurve = (byte[])good.Clone();
        Convert.FromHexString("02fd4bf61763b46581fd9174d623516cf3c81edd40e29ffa2777fb6cb0ae3ce535").CopyTo(offCurve, 2);
        Assert.Equal(PartialVerdict.Rejected, combiner.Offer(1, offCurve));
        var bigZ = (byte[])good.Clone();
        bigZ.AsSpan(2 + 33 + 32).Fill(0xff);
        Assert.Equal(PartialVerdict.Rejected, combiner.Offer(1, bigZ));
        Assert.Equal(PartialVerdict.Rejected, combiner.Offer(4, good));
        Assert.Equal(
            [
                new PartialRejection(1, PartialFault.Malformed),
                new PartialRejection(1, PartialFault.Malformed),
                new PartialRejection(1, PartialFault.InvalidPoint),
                new PartialRejection(1, PartialFault.Malformed),
                new PartialRejection(4, PartialFault.NotAParticipant),
            ],
            combiner.Rejections);
        // None of that stops custodian 1's real answer from counting.
        Assert.Equal(PartialVerdict.Accepted, combiner.Offer(1, good));
    }

    [Fact]
    public void A_partial_round_trips_and_verifies_only_for_its_own_key_version_and_point()
    {
        using var s = new Setup(2, 3);
        var partial = s.Honest(2);
        var encoded = partial.Encode();
        Assert.Equal(PartialDecryption.EncodedSize, encoded.Length);
        Assert.Equal(99, encoded.Length);
        var decoded = PartialDecryption.TryDecode(encoded)!;
        Assert.Equal((2, partial.Value), (decoded.Index, decoded.Value));
        var p2 = s.Group.PublicShare(2);
        Assert.True(decoded.Verify(p2, s.Wrapped.Ephemeral, KeyId, 1));
        Assert.False(decoded.Verify(p2, s.Wrapped.Ephemeral, KeyId, 2));
        Assert.False(decoded.Verify(p2, s.Wrapped.Ephemeral, "key-other"u8, 1));
        Assert.False(decoded.Verify(s.Group.PublicShare(1), s.Wrapped.Ephemeral, KeyId, 1));
        Assert.False(decoded.Verify(p2, P256Point.Generator, KeyId, 1));
    }

    [Fact]
    public void A_custodian_refuses_an_ephemeral_point_that_is_not_a_group_element_and_names_why()
    {
        using var s = new Setup(2, 3);
        var share = s.Run.Share(1);
        Assert.Null(PartialDecryption.TryCompute(share, [0x00], KeyId, 1, out var identity));
        Assert.Equal(PointRejection.Identity, identity);
        var offCurve = Convert.FromHexString(
            "040000000000000000000000000000000000000000000000000000000000000000ffffffff00000001000000000000000000000000fffffffffffffffffffffffe");
        Assert.Null(PartialDecryption.TryCompute(share, offCurve, KeyId, 1, out var rejection));
        Assert.Equal(PointRejection.NotOnCurve, rejection);
        Assert.NotNull(PartialDecryption.TryCompute(share, s.Wrapped.Ephemeral.EncodeUncompressed(), KeyId, 1, out var none));
        Assert.Equal(PointRejection.None, none);
    }

    [Fact]
    public void Partials_offered_from_several_threads_at_once_are_counted_exactly_once()
    {
        using var s = new Setup(3, 5);
        var combiner = s.Combiner();
        var partials = Enumerable.Range(1, 5).Select(s.Honest).ToList();
        var verdicts = new PartialVerdict[5];
        Parallel.For(0, 5, i => verdicts[i] = combiner.Offer(i + 1, partials[i]));
        Assert.Equal(3, verdicts.Count(v => v == PartialVerdict.Accepted));
        Assert.Equal(2, verdicts.Count(v => v == PartialVerdict.NotNeeded));
        using var result = combiner.Unwrap(Context);
        Assert.Equal(s.Dek, result.DataKey!.Reveal().ToArray());
    }
}
