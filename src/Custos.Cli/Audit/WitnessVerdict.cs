namespace Custos.Cli.Audit;

/// <summary>What a witness does with a served checkpoint.</summary>
public enum WitnessVerdict
{
    /// <summary>Valid and a consistent extension of what was cosigned before: cosign it.</summary>
    Cosign,
    /// <summary>The same checkpoint as last time: nothing to do.</summary>
    UpToDate,
    /// <summary>The log grew: fetch the consistency proof from <see cref="WitnessDecision.ProofFrom"/> and decide again.</summary>
    NeedConsistencyProof,
    /// <summary>Alarm: the log presents a verifier key other than the pinned one.</summary>
    WrongLogKey,
    /// <summary>Alarm: the note does not parse or is not signed by the pinned log key.</summary>
    BadSignature,
    /// <summary>Alarm: the same size as the cosigned checkpoint with another root — a split view.</summary>
    Fork,
    /// <summary>Alarm: smaller than the cosigned checkpoint.</summary>
    Rollback,
    /// <summary>Alarm: the consistency proof from the cosigned checkpoint does not verify.</summary>
    Inconsistent,
}
