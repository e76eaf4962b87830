namespace Custos.Crypto.Threshold;

/// <summary>What <see cref="ThresholdCombiner.Offer(int, PartialDecryption)"/> did with a partial.</summary>
public enum PartialVerdict
{
    /// <summary>Verified and kept: it will be combined.</summary>
    Accepted = 1,

    /// <summary>Not looked at: k valid partials are already in (the first k valid are combined).</summary>
    NotNeeded = 2,

    /// <summary>Refused; <see cref="ThresholdCombiner.Rejections"/> says why.</summary>
    Rejected = 3,
}
