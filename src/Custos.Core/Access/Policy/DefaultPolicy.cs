namespace Custos.Core.Access.Policy;

/// <summary>
/// The policy in force until a security officer's policy is approved (version 0). It gives each built-in
/// role its duty and no more: key administrators manage keys but do not use them, key users use them but
/// do not manage them, auditors read the audit log, approvers approve, security officers administer. The
/// bootstrap root credential may do everything; a real policy should drop that rule and root be revoked.
/// </summary>
public static class DefaultPolicy
{
    /// <summary>The default policy.</summary>
    public static PolicyDocument Document { get; } = new()
    {
        Rules =
        [
            Rule("bootstrap-root", "The credential made by 'custos init' may do everything until a policy says otherwise", Roles.Root, "*"),
            Rule("security-officers-administer", "Security officers administer Custos (tokens, seal, policy) and read the audit log and key metadata",
                Roles.SecurityOfficer, "administer", "read-audit", "read"),
            Rule("key-admins-manage", "Key administrators create and manage keys; they do not use them for data",
                Roles.KeyAdmin, "create", "lifecycle", "read"),
            Rule("key-users-use", "Key users encrypt, decrypt, generate data keys and rewrap", Roles.KeyUser, "data", "read"),
            Rule("approvers-approve", "Approvers approve or deny other principals' requests", Roles.Approver, "approve", "read"),
            Rule("auditors-read", "Auditors read the audit log and key metadata", Roles.Auditor, "read-audit", "read"),
            Rule("readers-read", "Readers read key metadata", Roles.Reader, "read"),
        ],
    };

    private static PolicyRule Rule(string id, string description, string role, params string[] operations) =>
        new() { Id = id, Description = description, Roles = [role], Operations = operations };
}
