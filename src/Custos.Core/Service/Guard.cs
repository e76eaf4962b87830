using Custos.Core.Access;
using Custos.Core.Errors;
using Custos.Core.Seal;

namespace Custos.Core.Service;

/// <summary>
/// The checks every key operation passes before it runs, written once for every protocol:
/// the server is unsealed, and the principal may perform the operation.
/// (Policy, residency, quorum and rate limits join this pipeline as they land.)
/// </summary>
public sealed class Guard(SealManager seal)
{
    /// <summary>Null when <paramref name="principal"/> may do <paramref name="operation"/> now.</summary>
    public CustosError? Check(Principal principal, Operation operation)
    {
        if (seal.IsSealed) return CustosError.Sealed;
        if (!RoleAllows(principal, operation))
            return new CustosError(ErrorCode.Forbidden, $"'{principal.Name}' may not {Describe(operation)}");
        return null;
    }

    /// <summary>Null when <paramref name="principal"/> may do <paramref name="operation"/>, sealed or not (reading the audit log).</summary>
    public static CustosError? CheckAllowedWhileSealed(Principal principal, Operation operation) =>
        RoleAllows(principal, operation) ? null : new CustosError(ErrorCode.Forbidden, $"'{principal.Name}' may not {Describe(operation)}");

    internal static bool RoleAllows(Principal p, Operation operation)
    {
        if (p.HasRole(Roles.Root)) return true;
        return operation switch
        {
            Operation.ReadKey => p.Roles.Overlaps([Roles.SecurityOfficer, Roles.KeyAdmin, Roles.KeyUser, Roles.Reader, Roles.Auditor, Roles.Approver]),
            Operation.CreateKey or Operation.ManageKey or Operation.RotateKey => p.HasRole(Roles.KeyAdmin),
            Operation.Encrypt or Operation.Decrypt or Operation.GenerateDataKey or Operation.Rewrap => p.HasRole(Roles.KeyUser),
            Operation.Administer => p.HasRole(Roles.SecurityOfficer),
            Operation.ReadAudit => p.Roles.Overlaps([Roles.SecurityOfficer, Roles.Auditor]),
            _ => false,
        };
    }

    private static string Describe(Operation operation) => operation switch
    {
        Operation.ReadKey => "read keys",
        Operation.CreateKey => "create keys",
        Operation.ManageKey => "manage keys",
        Operation.RotateKey => "rotate keys",
        Operation.Encrypt => "encrypt",
        Operation.Decrypt => "decrypt",
        Operation.GenerateDataKey => "generate data keys",
        Operation.Rewrap => "rewrap",
        Operation.Administer => "administer Custos",
        Operation.ReadAudit => "read the audit log",
        _ => operation.ToString(),
    };
}
