namespace Custos.Core.Residency;

/// <summary>One way a key's custody breaks its residency requirements, explained.</summary>
/// <param name="Key">The key as messages name it ("key key_01… (restricted)").</param>
/// <param name="KeyId">Its id (null for a key about to be created).</param>
/// <param name="RuleId">The residency rule broken; null when it is the key's own allowed jurisdictions.</param>
/// <param name="Placement">The place that breaks it ("keystore 'hsm:custos'").</param>
/// <param name="Message">One sentence naming key, rule and what failed, fit for a 403 or a start-up error.</param>
public sealed record ResidencyViolation(string Key, string? KeyId, string? RuleId, string Placement, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Message;
}
