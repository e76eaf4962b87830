namespace Custos.Crypto.Threshold;

/// <summary>
/// Why <see cref="ThresholdCombiner"/> refused a custodian's partial decryption. Stable values, safe to log and
/// audit; the later layer reports them with the custodian's name.
/// </summary>
public enum PartialFault
{
    /// <summary>The bytes are not a partial decryption (length, version, a scalar not below n).</summary>
    Malformed = 1,

    /// <summary>D_i is not a valid group element (see <see cref="PointRejection"/>).</summary>
    InvalidPoint = 2,

    /// <summary>The custodian holds no share in this group (for example a replaced custodian after resharing).</summary>
    NotAParticipant = 3,

    /// <summary>The partial claims another participant's index than the custodian that sent it.</summary>
    WrongParticipant = 4,

    /// <summary>A second partial from a custodian whose first one was accepted.</summary>
    Duplicate = 5,

    /// <summary>The Chaum–Pedersen proof does not verify against the custodian's recorded public share: a wrong share, a wrong point, a forged proof, or one made for another key, version or ephemeral point.</summary>
    ProofDoesNotVerify = 6,
}
