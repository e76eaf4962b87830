using Custos.Crypto.Transparency;

namespace Custos.Cli.Audit;

/// <summary>The outcome of <see cref="WitnessRound.Decide"/>.</summary>
/// <param name="Verdict">What to do.</param>
/// <param name="Message">One line for the operator.</param>
/// <param name="Checkpoint">The served checkpoint, when it parsed.</param>
/// <param name="Note">The served signed note, when it parsed.</param>
/// <param name="ProofFrom">For <see cref="WitnessVerdict.NeedConsistencyProof"/>: the size to prove consistency from.</param>
public sealed record WitnessDecision(WitnessVerdict Verdict, string Message, Checkpoint? Checkpoint = null, SignedNote? Note = null, long ProofFrom = 0)
{
    /// <summary>True for the verdicts that must never be cosigned and must be raised loudly (exit code 3).</summary>
    public bool IsAlarm => Verdict is WitnessVerdict.WrongLogKey or WitnessVerdict.BadSignature or WitnessVerdict.Fork
        or WitnessVerdict.Rollback or WitnessVerdict.Inconsistent;
}
