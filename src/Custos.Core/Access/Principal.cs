namespace Custos.Core.Access;

/// <summary>An authenticated caller: who they are and what their credential allows.</summary>
public sealed record Principal(string Id, string Name, IReadOnlySet<string> Scopes)
{
    /// <summary>The request this principal is acting in (for the audit log); null for background work.</summary>
    public Audit.RequestInfo? Request { get; init; }

    /// <summary>Background work done by Custos itself (automatic rotation, destruction).</summary>
    public static Principal System { get; } = new("system", "custos", new HashSet<string> { AccessScopes.Root });

    /// <summary>True when the credential allows <paramref name="operation"/>.</summary>
    public bool Allows(Operation operation) => AccessScopes.Allows(Scopes, operation);
}
