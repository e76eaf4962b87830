namespace Custos.Core.Errors;

/// <summary>
/// The closed set of expected failures. Each has a stable wire name (see <see cref="ErrorCodes.WireName"/>)
/// that protocol front-ends map to their own vocabulary (problem+json type, AWS __type, KMIP reason).
/// </summary>
public enum ErrorCode
{
    /// <summary>Input is malformed or breaks a limit.</summary>
    ValidationFailed,
    /// <summary>No key (or other object) with that id or alias.</summary>
    NotFound,
    /// <summary>The alias is already used by another key.</summary>
    AliasAlreadyExists,
    /// <summary>The key's state does not allow the requested lifecycle transition.</summary>
    InvalidKeyState,
    /// <summary>The key is disabled: no cryptographic use until enabled.</summary>
    KeyDisabled,
    /// <summary>The key is scheduled for destruction: no use until the destruction is cancelled.</summary>
    KeyPendingDestruction,
    /// <summary>The key (or the version a ciphertext names) is destroyed.</summary>
    KeyDestroyed,
    /// <summary>The key's purpose or spec does not allow the operation.</summary>
    InvalidKeyUsage,
    /// <summary>Any decryption failure. Carries no detail.</summary>
    InvalidCiphertext,
    /// <summary>The server is sealed: no key can be used until it is unsealed.</summary>
    Sealed,
    /// <summary>The server has not been initialised yet.</summary>
    NotInitialized,
    /// <summary>The server has been initialised already.</summary>
    AlreadyInitialized,
    /// <summary>An unseal share was rejected (malformed, for another root key, or forged).</summary>
    InvalidShare,
    /// <summary>No credential, or one that is unknown, expired or revoked.</summary>
    Unauthenticated,
    /// <summary>The credential is valid but does not allow this operation.</summary>
    Forbidden,
    /// <summary>The requested custody has no keystore configured on this server.</summary>
    CustodyUnavailable,
    /// <summary>Another change to the same object won the race; retry.</summary>
    Conflict,
    /// <summary>A keystore or the database failed; the operation did not happen.</summary>
    Unavailable,
    /// <summary>The audit log could not record the request, so it was refused and nothing changed.</summary>
    AuditUnavailable,
    /// <summary>A rate limit (of the principal or the key) or a keystore's operation limit was reached; retry after the given delay.</summary>
    Throttled,
    /// <summary>Policy allows the request only after approvals from other principals (or within a grant they yielded).</summary>
    ApprovalRequired,
    /// <summary>The initialisation ceremony still lacks operator confirmations: Custos cannot be unsealed yet.</summary>
    CeremonyPending,
    /// <summary>
    /// Where the key's material would live, or the node that would use it, breaks the key's residency requirements
    /// (its allowed jurisdictions or a residency rule of the policy); the message names key, rule and place.
    /// </summary>
    ResidencyViolation,
    /// <summary>
    /// Too few custodians of a threshold key answered with a valid partial decryption: the unwrap failed closed, nothing
    /// was decrypted. The message says how many were needed and how many answered ("2 of 3 custodians needed, 1 answered").
    /// </summary>
    CustodiansUnavailable,
}

/// <summary>Stable wire names for <see cref="ErrorCode"/>.</summary>
public static class ErrorCodes
{
    /// <summary>kebab-case name, stable across versions (used in problem types and CLI messages).</summary>
    public static string WireName(this ErrorCode code) => code switch
    {
        ErrorCode.ValidationFailed => "validation-failed",
        ErrorCode.NotFound => "not-found",
        ErrorCode.AliasAlreadyExists => "alias-already-exists",
        ErrorCode.InvalidKeyState => "invalid-key-state",
        ErrorCode.KeyDisabled => "key-disabled",
        ErrorCode.KeyPendingDestruction => "key-pending-destruction",
        ErrorCode.KeyDestroyed => "key-destroyed",
        ErrorCode.InvalidKeyUsage => "invalid-key-usage",
        ErrorCode.InvalidCiphertext => "invalid-ciphertext",
        ErrorCode.Sealed => "sealed",
        ErrorCode.NotInitialized => "not-initialized",
        ErrorCode.AlreadyInitialized => "already-initialized",
        ErrorCode.InvalidShare => "invalid-share",
        ErrorCode.Unauthenticated => "unauthenticated",
        ErrorCode.Forbidden => "forbidden",
        ErrorCode.CustodyUnavailable => "custody-unavailable",
        ErrorCode.Conflict => "conflict",
        ErrorCode.Unavailable => "unavailable",
        ErrorCode.AuditUnavailable => "audit-unavailable",
        ErrorCode.Throttled => "throttled",
        ErrorCode.ApprovalRequired => "approval-required",
        ErrorCode.CeremonyPending => "ceremony-pending",
        ErrorCode.ResidencyViolation => "residency-violation",
        ErrorCode.CustodiansUnavailable => "custodians-unavailable",
        _ => throw new ArgumentOutOfRangeException(nameof(code)),
    };
}
