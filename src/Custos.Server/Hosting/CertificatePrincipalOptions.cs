namespace Custos.Server.Hosting;

/// <summary>
/// One entry of <c>clientCertificates.principals</c>: which certificates are this principal, and what it
/// holds. It matches on exactly one of <see cref="Subject"/> and <see cref="San"/>.
/// <code>{ "name": "alice", "subject": "CN=alice, O=Example Bank", "roles": ["approver"], "groups": ["payments-approvers"], "allowedNetworks": ["10.0.0.0/8"] }
/// { "name": "billing", "san": "uri:spiffe://example.eu/billing", "roles": ["key-user"] }</code>
/// </summary>
public sealed record CertificatePrincipalOptions
{
    /// <summary>The principal's name; its id in the audit log is <c>cert:NAME</c>.</summary>
    public string Name { get; set; } = "";
    /// <summary>The certificate's subject distinguished name (compared attribute by attribute, so spacing and the order it is written in do not matter).</summary>
    public string? Subject { get; set; }
    /// <summary>A subject alternative name the certificate must carry: <c>dns:NAME</c>, <c>email:ADDRESS</c> or <c>uri:URI</c>.</summary>
    public string? San { get; set; }
    /// <summary>Roles (see <see cref="Core.Access.Roles"/>); at least one.</summary>
    public IReadOnlyList<string> Roles { get; set; } = [];
    /// <summary>Groups (teams, approver pools).</summary>
    public IReadOnlyList<string>? Groups { get; set; }
    /// <summary>CIDR networks the certificate may be used from (none: any).</summary>
    public IReadOnlyList<string>? AllowedNetworks { get; set; }
}
