namespace Custos.Core.Access;

/// <summary>
/// An authenticated caller: its stable id ("token:tok_..." or "cert:..."), a display name, the roles its
/// credential holds and the groups it belongs to. What it may do is decided by the access policy.
/// </summary>
public sealed record Principal(string Id, string Name, IReadOnlySet<string> Roles)
{
    private static readonly IReadOnlySet<string> NoGroups = new HashSet<string>();

    /// <summary>Groups (teams, approver pools) the principal belongs to.</summary>
    public IReadOnlySet<string> Groups { get; init; } = NoGroups;

    /// <summary>
    /// The public key the principal signs approvals with, as SubjectPublicKeyInfo DER: for a client certificate,
    /// the certificate's public key; for a bearer token, the approval key registered when the token was made (a
    /// token has no key of its own). Null when there is none: the principal then cannot approve.
    /// </summary>
    public byte[]? PublicKey { get; init; }

    /// <summary>The request this principal is acting in (for the audit log); null for background work.</summary>
    public Audit.RequestInfo? Request { get; init; }

    /// <summary>Background work done by Custos itself (automatic rotation, destruction).</summary>
    public static Principal System { get; } = new("system", "custos", new HashSet<string> { Access.Roles.Root });

    /// <summary>True when the principal holds <paramref name="role"/>.</summary>
    public bool HasRole(string role) => Roles.Contains(role);
}
