namespace Custos.Crypto.Threshold;

/// <summary>A partial decryption the combiner refused: which custodian sent it and why. Never combined.</summary>
/// <param name="Custodian">The custodian's participant index.</param>
/// <param name="Fault">Why it was refused.</param>
public sealed record PartialRejection(int Custodian, PartialFault Fault)
{
    /// <summary>One phrase naming the custodian and the fault, e.g. "custodian 3: its proof does not verify against its public share".</summary>
    public override string ToString() => $"custodian {Custodian}: " + Fault switch
    {
        PartialFault.Malformed => "its answer is not a partial decryption",
        PartialFault.InvalidPoint => "its partial is not a valid P-256 point",
        PartialFault.NotAParticipant => "it holds no share of this key",
        PartialFault.WrongParticipant => "its partial claims another custodian's index",
        PartialFault.Duplicate => "it answered twice",
        PartialFault.ProofDoesNotVerify => "its proof does not verify against its public share",
        _ => Fault.ToString(),
    };
}
