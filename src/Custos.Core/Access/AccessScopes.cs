namespace Custos.Core.Access;

/// <summary>
/// The scopes a token can carry and the operations each allows. A coarse first step; the policy
/// engine refines it per key.
/// </summary>
public static class AccessScopes
{
    /// <summary>Everything.</summary>
    public const string Root = "root";
    /// <summary>Seal and token administration, and everything of <see cref="Manage"/>.</summary>
    public const string Admin = "admin";
    /// <summary>Create, edit, rotate, enable, disable and destroy keys; read metadata.</summary>
    public const string Manage = "manage";
    /// <summary>Data-plane use: encrypt, decrypt, generate data keys, rewrap.</summary>
    public const string Use = "use";
    /// <summary>Read key metadata.</summary>
    public const string Read = "read";
    /// <summary>Read the audit log and cosign its checkpoints (auditors, witnesses).</summary>
    public const string Audit = "audit";

    /// <summary>Every scope a token may be given.</summary>
    public static IReadOnlyList<string> All { get; } = [Admin, Manage, Use, Read, Audit];

    /// <summary>True when any scope in <paramref name="scopes"/> allows <paramref name="operation"/>.</summary>
    public static bool Allows(IReadOnlySet<string> scopes, Operation operation)
    {
        if (scopes.Contains(Root)) return true;
        return operation switch
        {
            Operation.ReadKey => scopes.Overlaps([Admin, Manage, Use, Read]),
            Operation.CreateKey or Operation.ManageKey or Operation.RotateKey => scopes.Overlaps([Admin, Manage]),
            Operation.Encrypt or Operation.Decrypt or Operation.GenerateDataKey or Operation.Rewrap => scopes.Contains(Use),
            Operation.Administer => scopes.Contains(Admin),
            Operation.ReadAudit => scopes.Overlaps([Admin, Audit]),
            _ => false,
        };
    }
}
