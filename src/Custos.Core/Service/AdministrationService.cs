using Custos.Core.Access;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Seal;

namespace Custos.Core.Service;

/// <summary>Administrative operations behind the guard: tokens and sealing.</summary>
public sealed class AdministrationService(TokenService tokens, SealManager seal, Guard guard, AuditRecorder audit)
{
    /// <summary>Issues a token; its secret is in the result once.</summary>
    public async Task<Result<(AccessToken Token, string Secret)>> CreateTokenAsync(Principal principal, TokenSpec spec, CancellationToken cancellationToken)
    {
        if (await guard.CheckAsync(principal, Operation.Administer, null, cancellationToken) is { } denied)
            return await audit.RecordAsync(principal, "token.create", Result<(AccessToken, string)>.Fail(denied), _ => (null, null), null, null, cancellationToken);
        var auditEvent = audit.ForChange(principal, "token.create", null, null);
        Result<(AccessToken Token, string Secret)> result;
        try { result = await tokens.CreateAsync(spec, auditEvent, cancellationToken); }
        catch (Errors.CustosUnavailableException) { principal.Request?.MarkRefusedUnrecorded(); return AuditRecorder.AuditUnavailable; }
        if (result.IsSuccess) { principal.Request?.MarkRecorded(); return result; }
        return await audit.RecordAsync(principal, "token.create", result, _ => (null, null), null, null, cancellationToken);
    }

    /// <summary>Every token record.</summary>
    public async Task<Result<IReadOnlyList<AccessToken>>> ListTokensAsync(Principal principal, CancellationToken cancellationToken)
    {
        var result = await guard.CheckAsync(principal, Operation.Administer, null, cancellationToken) is { } denied
            ? Result<IReadOnlyList<AccessToken>>.Fail(denied)
            : Result<IReadOnlyList<AccessToken>>.Ok(await tokens.ListAsync(cancellationToken));
        return await audit.RecordAsync(principal, "token.list", result, _ => (null, null), null, null, cancellationToken);
    }

    /// <summary>Revokes a token.</summary>
    public async Task<Result<AccessToken>> RevokeTokenAsync(Principal principal, string id, CancellationToken cancellationToken)
    {
        if (await guard.CheckAsync(principal, Operation.Administer, null, cancellationToken) is { } denied)
            return await audit.RecordAsync(principal, "token.revoke", Result<AccessToken>.Fail(denied), _ => (null, null), null, null, cancellationToken);
        Result<AccessToken> result;
        try { result = await tokens.RevokeAsync(id, audit.ForChange(principal, "token.revoke", null, null), cancellationToken); }
        catch (Errors.CustosUnavailableException) { principal.Request?.MarkRefusedUnrecorded(); return AuditRecorder.AuditUnavailable; }
        if (result.IsSuccess) { principal.Request?.MarkRecorded(); return result; }
        return await audit.RecordAsync(principal, "token.revoke", result, _ => (null, null), null, null, cancellationToken);
    }

    /// <summary>Seals Custos: every key becomes unusable until K shares unseal it again.</summary>
    public async Task<Result<SealStatus>> SealAsync(Principal principal, CancellationToken cancellationToken)
    {
        // Sealing an already sealed server is allowed (and changes nothing): only the policy is checked.
        var refused = await guard.AuthorizeAsync(principal, Operation.Administer, null, cancellationToken);
        var recorded = await audit.RecordAsync(principal, "sys.seal",
            refused is null ? Result<bool>.Ok(true) : Result<bool>.Fail(refused), _ => (null, null), null, null, cancellationToken);
        if (!recorded.IsSuccess) return recorded.Error;
        seal.Seal();
        return await seal.GetStatusAsync(cancellationToken);
    }
}
