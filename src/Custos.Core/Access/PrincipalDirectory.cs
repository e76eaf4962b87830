using Custos.Core.Ports;

namespace Custos.Core.Access;

/// <summary>A source of principals by id (tokens, configured client certificates).</summary>
public interface IPrincipalSource
{
    /// <summary>The principal with <paramref name="id"/> as this source knows it, or null.</summary>
    ValueTask<Principal?> FindAsync(string id, CancellationToken cancellationToken);
}

/// <summary>Token principals ("token:tok_..."), revoked and expired ones included (a policy may still name them).</summary>
public sealed class TokenPrincipalSource(ITokenRepository tokens) : IPrincipalSource
{
    /// <inheritdoc />
    public async ValueTask<Principal?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (!id.StartsWith("token:", StringComparison.Ordinal)) return null;
        var token = await tokens.GetAsync(id["token:".Length..], cancellationToken);
        return token?.ToPrincipal();
    }
}

/// <summary>Finds a principal by id across every source (for <c>policy explain</c> and approvals).</summary>
public sealed class PrincipalDirectory(IEnumerable<IPrincipalSource> sources)
{
    /// <summary>The principal, or null when no source knows it.</summary>
    public async ValueTask<Principal?> FindAsync(string id, CancellationToken cancellationToken)
    {
        foreach (var source in sources)
        {
            if (await source.FindAsync(id, cancellationToken) is { } found) return found;
        }
        return null;
    }
}
