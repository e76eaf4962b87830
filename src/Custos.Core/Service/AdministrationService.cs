using Custos.Core.Access;
using Custos.Core.Errors;
using Custos.Core.Seal;

namespace Custos.Core.Service;

/// <summary>Administrative operations behind the guard: tokens and sealing.</summary>
public sealed class AdministrationService(TokenService tokens, SealManager seal, Guard guard)
{
    /// <summary>Issues a token; its secret is in the result once.</summary>
    public async Task<Result<(AccessToken Token, string Secret)>> CreateTokenAsync(Principal principal, string name, IEnumerable<string> scopes, TimeSpan? ttl, CancellationToken cancellationToken)
    {
        if (guard.Check(principal, Operation.Administer) is { } denied) return denied;
        return await tokens.CreateAsync(name, scopes, ttl, cancellationToken);
    }

    /// <summary>Every token record.</summary>
    public async Task<Result<IReadOnlyList<AccessToken>>> ListTokensAsync(Principal principal, CancellationToken cancellationToken)
    {
        if (guard.Check(principal, Operation.Administer) is { } denied) return denied;
        return Result<IReadOnlyList<AccessToken>>.Ok(await tokens.ListAsync(cancellationToken));
    }

    /// <summary>Revokes a token.</summary>
    public async Task<Result<AccessToken>> RevokeTokenAsync(Principal principal, string id, CancellationToken cancellationToken)
    {
        if (guard.Check(principal, Operation.Administer) is { } denied) return denied;
        return await tokens.RevokeAsync(id, cancellationToken);
    }

    /// <summary>Seals Custos: every key becomes unusable until K shares unseal it again.</summary>
    public async Task<Result<SealStatus>> SealAsync(Principal principal, CancellationToken cancellationToken)
    {
        // Sealing an already sealed server is allowed (and changes nothing): only the scope is checked.
        if (!seal.IsSealed && guard.Check(principal, Operation.Administer) is { } denied) return denied;
        if (!principal.Allows(Operation.Administer)) return new CustosError(ErrorCode.Forbidden, $"'{principal.Name}' may not administer Custos");
        seal.Seal();
        return await seal.GetStatusAsync(cancellationToken);
    }
}
