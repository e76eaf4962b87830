using System.Text.RegularExpressions;
using Custos.Core.Errors;

namespace Custos.Core.Access;

/// <summary>
/// The built-in roles a credential can hold. What each role may do is written in the access policy
/// (see <c>docs/access.md</c>); the roles only name the duties so that they can be kept apart: a key
/// administrator manages keys but does not use them, an approver approves but never their own request,
/// a security officer changes policy but only with a second officer's approval.
/// </summary>
public static partial class Roles
{
    /// <summary>The bootstrap credential made by <c>custos init</c>: the default policy lets it do everything until a security officer's policy says otherwise.</summary>
    public const string Root = "root";
    /// <summary>Policy, tokens, seal; approves policy changes made by another officer.</summary>
    public const string SecurityOfficer = "security-officer";
    /// <summary>Creates keys and manages their lifecycle; no data operations unless a rule grants them.</summary>
    public const string KeyAdmin = "key-admin";
    /// <summary>Data-plane use: encrypt, decrypt, generate data keys, rewrap.</summary>
    public const string KeyUser = "key-user";
    /// <summary>Approves other principals' requests that a rule puts under quorum.</summary>
    public const string Approver = "approver";
    /// <summary>Reads the audit log and cosigns its checkpoints.</summary>
    public const string Auditor = "auditor";
    /// <summary>Reads key metadata.</summary>
    public const string Reader = "reader";

    /// <summary>Every role a token or certificate may be given (root is made only by init).</summary>
    public static IReadOnlyList<string> Assignable { get; } = [SecurityOfficer, KeyAdmin, KeyUser, Approver, Auditor, Reader];

    /// <summary>Names of the first release's token scopes, still accepted and read as the role they became.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["admin"] = SecurityOfficer,
        ["manage"] = KeyAdmin,
        ["use"] = KeyUser,
        ["audit"] = Auditor,
        ["read"] = Reader,
    };

    /// <summary>The canonical name of a role (or of a first-release scope), or null when unknown.</summary>
    public static string? Canonical(string name) =>
        name == Root || Assignable.Contains(name) ? name : Aliases.GetValueOrDefault(name);

    /// <summary>Stored role names in canonical form; names no longer known are dropped (they grant nothing).</summary>
    public static IReadOnlySet<string> FromStored(IEnumerable<string> names) =>
        new HashSet<string>(names.Select(Canonical).OfType<string>(), StringComparer.Ordinal);

    /// <summary>Checks and canonicalizes roles given for a new credential: at least one, each assignable.</summary>
    public static Result<IReadOnlySet<string>> Normalize(IEnumerable<string> names)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var canonical = Canonical(name.Trim());
            if (canonical is null or Root)
                return CustosError.Invalid($"unknown role '{Trim(name)}'; roles are {string.Join(", ", Assignable)}");
            set.Add(canonical);
        }
        if (set.Count == 0) return CustosError.Invalid($"a credential needs at least one role ({string.Join(", ", Assignable)})");
        return Result<IReadOnlySet<string>>.Ok(set);
    }

    /// <summary>Checks group names: at most 32, each 1-64 letters, digits, '-', '_', '.', ':'.</summary>
    public static Result<IReadOnlySet<string>> NormalizeGroups(IEnumerable<string>? names)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names ?? [])
        {
            if (!GroupPattern().IsMatch(name)) return CustosError.Invalid($"group '{Trim(name)}' must be 1-64 characters of letters, digits, '-', '_', '.', ':'");
            set.Add(name);
        }
        if (set.Count > 32) return CustosError.Invalid("at most 32 groups");
        return Result<IReadOnlySet<string>>.Ok(set);
    }

    private static string Trim(string s) => s.Length <= 40 ? s : s[..40] + "...";

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,64}$")]
    private static partial Regex GroupPattern();
}
