using Org.BouncyCastle.Math;

namespace Custos.Crypto.Threshold.Dkg;

/// <summary>
/// What a round's public transcript decides (<see cref="DkgTranscript.Outcome"/>): the same for every
/// participant and for any auditor who holds the transcript. Holds no secret.
/// </summary>
public sealed class DkgOutcome
{
    internal DkgOutcome(IReadOnlyList<int> qualified, IReadOnlyList<int> combined, BigInteger[] weights,
        IReadOnlyList<DealerFault> faults, ThresholdGroup? group, string? problem)
    {
        Qualified = qualified;
        Combined = combined;
        Weights = weights;
        Faults = faults;
        Group = group;
        Problem = problem;
    }

    /// <summary>True when the round produced a group; then every honest recipient can finish.</summary>
    public bool Succeeded => Group is not null;

    /// <summary>The group the round made (same public key as the old group when resharing); null on failure.</summary>
    public ThresholdGroup? Group { get; }

    /// <summary>Dealers with no fault, in increasing order.</summary>
    public IReadOnlyList<int> Qualified { get; }

    /// <summary>
    /// Dealers whose dealings make up the new shares: every qualified dealer (key generation) or the first
    /// old-threshold qualified dealers by index (resharing, so that every recipient uses the same ones).
    /// </summary>
    public IReadOnlyList<int> Combined { get; }

    /// <summary>Weights of <see cref="Combined"/>: 1 (key generation) or Lagrange coefficients at 0 (resharing).</summary>
    internal BigInteger[] Weights { get; }

    /// <summary>Every dealer left out, with why: the culprits to report.</summary>
    public IReadOnlyList<DealerFault> Faults { get; }

    /// <summary>Why the round failed; null when it succeeded.</summary>
    public string? Problem { get; }

    /// <inheritdoc />
    public override string ToString() => Succeeded
        ? $"{Group}; combined dealers {string.Join(", ", Combined)}" + (Faults.Count > 0 ? $"; faults: {string.Join("; ", Faults)}" : "")
        : $"failed: {Problem}";
}
