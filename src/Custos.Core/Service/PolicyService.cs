using Custos.Core.Access;
using Custos.Core.Access.Policy;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Ports;

namespace Custos.Core.Service;

/// <summary>
/// What <c>policy explain</c> asks: for a known principal (<see cref="PrincipalId"/>) or a hypothetical one
/// (<see cref="Roles"/>, <see cref="Groups"/>), may it do <see cref="Operation"/> on <see cref="Key"/>
/// under the given circumstances, by the active policy or by <see cref="Version"/>.
/// </summary>
public sealed record ExplainQuery(
    string? PrincipalId,
    IReadOnlyList<string>? Roles,
    IReadOnlyList<string>? Groups,
    string Operation,
    string? Key,
    string? Justification,
    string? ClientAddress,
    DateTimeOffset? At,
    int? Version);

/// <summary>The answer to <see cref="ExplainQuery"/>.</summary>
public sealed record Explanation(PolicyDecision Decision, Principal Subject, KeyFacts? Key);

/// <summary>
/// The access policy's life: read it, propose a new version, have a second security officer approve or
/// reject it, explain a decision. A proposal takes effect only when a security officer other than its
/// author approves it; every step is audited.
/// </summary>
public sealed class PolicyService(
    IPolicyRepository repository, ActivePolicy active, Guard guard, AuditRecorder audit, PrincipalDirectory principals,
    KeyResolver keys, Residency.ResidencyCompliance residency, TimeProvider time)
{
    /// <summary>Largest policy document accepted, in bytes of JSON.</summary>
    public const int MaxDocumentBytes = 256 * 1024;

    /// <summary>The version in force (version 0: the built-in default).</summary>
    public async Task<Result<PolicyVersion>> GetActiveAsync(Principal principal, CancellationToken cancellationToken)
    {
        var result = await MayReadAsync(principal, cancellationToken) is { } denied ? denied : Result<PolicyVersion>.Ok(await active.GetAsync(cancellationToken));
        return await audit.RecordAsync(principal, "policy.get", result, _ => (null, null), null, null, cancellationToken);
    }

    /// <summary>One version (0: the built-in default).</summary>
    public async Task<Result<PolicyVersion>> GetAsync(Principal principal, int version, CancellationToken cancellationToken)
    {
        Result<PolicyVersion> result;
        if (await MayReadAsync(principal, cancellationToken) is { } denied) result = denied;
        else if (version == 0) result = PolicyVersion.Default;
        else result = await repository.GetAsync(version, cancellationToken) is { } found ? found : new CustosError(ErrorCode.NotFound, $"policy version {version} not found");
        return await audit.RecordAsync(principal, "policy.get", result, _ => (null, null), null, null, cancellationToken);
    }

    /// <summary>Every stored version, newest first, and the default.</summary>
    public async Task<Result<IReadOnlyList<PolicyVersion>>> ListAsync(Principal principal, CancellationToken cancellationToken)
    {
        Result<IReadOnlyList<PolicyVersion>> result = await MayReadAsync(principal, cancellationToken) is { } denied
            ? denied
            : Result<IReadOnlyList<PolicyVersion>>.Ok([.. await repository.ListAsync(cancellationToken), PolicyVersion.Default with
            {
                Status = await repository.GetActiveAsync(cancellationToken) is null ? PolicyStatus.Active : PolicyStatus.Superseded,
            }]);
        return await audit.RecordAsync(principal, "policy.list", result, _ => (null, null), null, null, cancellationToken);
    }

    /// <summary>Proposes a new version (pending until another security officer approves it).</summary>
    public async Task<Result<PolicyVersion>> ProposeAsync(Principal principal, ReadOnlyMemory<byte> json, string? comment, CancellationToken cancellationToken)
    {
        var checkedResult = await CheckProposalAsync(principal, json, comment, cancellationToken);
        if (!checkedResult.IsSuccess) return await audit.RecordAsync(principal, "policy.propose", Result<PolicyVersion>.Fail(checkedResult.Error), _ => (null, null), null, null, cancellationToken);
        try
        {
            var version = await repository.ProposeAsync(checkedResult.Value, principal.Id, comment ?? "", time.GetUtcNow(),
                audit.ForChange(principal, "policy.propose", null, null), cancellationToken);
            principal.Request?.MarkRecorded();
            return version;
        }
        catch (CustosUnavailableException)
        {
            principal.Request?.MarkRefusedUnrecorded();
            return AuditRecorder.AuditUnavailable;
        }
    }

    private async Task<Result<PolicyDocument>> CheckProposalAsync(Principal principal, ReadOnlyMemory<byte> json, string? comment, CancellationToken cancellationToken)
    {
        if (await guard.AuthorizeAsync(principal, Operation.Administer, null, cancellationToken) is { } denied) return denied;
        if (!principal.HasRole(Roles.SecurityOfficer) && !principal.HasRole(Roles.Root))
            return new CustosError(ErrorCode.Forbidden, $"'{principal.Name}' is not a security officer: only security officers propose policy changes");
        if (json.Length > MaxDocumentBytes) return CustosError.Invalid($"a policy is at most {MaxDocumentBytes} bytes of JSON");
        if (comment is { Length: > 1024 }) return CustosError.Invalid("the comment is at most 1024 characters");
        var parsed = PolicyDocument.Parse(json.Span);
        if (!parsed.IsSuccess) return parsed;
        return LocksOutOfficers(parsed.Value) is { } lockout ? CustosError.Invalid(lockout) : parsed;
    }

    /// <summary>
    /// A policy under which no security officer could administer Custos could never be changed again (only a
    /// database restore would undo it): it needs an allow rule granting 'administer' to the security-officer
    /// role (or to everyone), about no particular keys, and no unconditional deny rule taking it away.
    /// </summary>
    private static string? LocksOutOfficers(PolicyDocument document)
    {
        static bool ForOfficers(PolicyRule r) => r.Roles?.Contains(Roles.SecurityOfficer) == true || r.Principals?.Contains("*") == true;
        static bool Administers(PolicyRule r) => r.Operations.Any(o => Operations.Parse(o)?.Contains(Operation.Administer) == true);
        bool granted = document.Rules.Any(r => r.Effect == PolicyEffect.Allow && ForOfficers(r) && Administers(r) && r.Keys is null);
        var revoked = document.Rules.FirstOrDefault(r => r.Effect == PolicyEffect.Deny && ForOfficers(r) && Administers(r) && r.Keys is null && r.Conditions is null);
        if (revoked is not null) return $"rule '{revoked.Id}' would deny security officers 'administer' always, so nobody could change the policy again";
        return granted ? null : "no rule lets the security-officer role 'administer', so nobody could change the policy again; keep a rule such as {id: officers, roles: [security-officer], operations: [administer, read-audit, read]}";
    }

    /// <summary>
    /// Approves (it takes effect now, on other nodes within a few seconds) or rejects a pending version.
    /// Only a security officer other than the author may; an approval of a proposal older than the version in
    /// force is refused (it would silently undo later changes).
    /// </summary>
    public async Task<Result<PolicyVersion>> DecideAsync(Principal principal, int version, bool approve, CancellationToken cancellationToken)
    {
        var operation = approve ? "policy.approve" : "policy.reject";
        var checkedResult = await CheckDecisionAsync(principal, version, approve, cancellationToken);
        if (!checkedResult.IsSuccess) return await audit.RecordAsync(principal, operation, checkedResult, _ => (null, null), null, null, cancellationToken);
        bool decided;
        try
        {
            decided = await repository.DecideAsync(version, approve, principal.Id, time.GetUtcNow(), audit.ForChange(principal, operation, null, null), cancellationToken);
        }
        catch (CustosUnavailableException)
        {
            principal.Request?.MarkRefusedUnrecorded();
            return AuditRecorder.AuditUnavailable;
        }
        if (!decided)
            return await audit.RecordAsync(principal, operation, Result<PolicyVersion>.Fail(new CustosError(ErrorCode.Conflict, $"policy version {version} was decided meanwhile")),
                _ => (null, null), null, null, cancellationToken);
        principal.Request?.MarkRecorded();
        active.Invalidate();
        return (await repository.GetAsync(version, cancellationToken))!;
    }

    private async Task<Result<PolicyVersion>> CheckDecisionAsync(Principal principal, int version, bool approve, CancellationToken cancellationToken)
    {
        if (await guard.AuthorizeAsync(principal, Operation.Administer, null, cancellationToken) is { } denied) return denied;
        if (!principal.HasRole(Roles.SecurityOfficer))
            return new CustosError(ErrorCode.Forbidden, $"'{principal.Name}' is not a security officer: only a security officer other than the author approves or rejects a policy change");
        var proposal = await repository.GetAsync(version, cancellationToken);
        if (proposal is null) return new CustosError(ErrorCode.NotFound, $"policy version {version} not found");
        if (proposal.Status != PolicyStatus.Pending) return new CustosError(ErrorCode.Conflict, $"policy version {version} is {proposal.Status.ToString().ToLowerInvariant()}, not pending");
        if (proposal.Author == principal.Id)
            return new CustosError(ErrorCode.Forbidden, $"'{principal.Name}' proposed version {version} and cannot {(approve ? "approve" : "reject")} it: a second security officer must");
        var current = await active.GetAsync(cancellationToken);
        if (approve && current.Version > version)
            return new CustosError(ErrorCode.Conflict, $"version {version} was proposed before version {current.Version}, which is now in force; propose it again on top of version {current.Version}");
        // Residency rules that existing keys would break would strand them (unusable, or held where they may not be).
        if (approve && await residency.WouldStrandAsync(proposal.Document, null, cancellationToken) is { Count: > 0 } stranded)
            return Residency.ResidencyCompliance.StrandingRefusal($"approving policy version {version}", stranded);
        return proposal;
    }

    /// <summary>Which rule decides the query, and why; by the active policy or a given version.</summary>
    public async Task<Result<Explanation>> ExplainAsync(Principal principal, ExplainQuery query, CancellationToken cancellationToken)
    {
        var result = await ExplainCoreAsync(principal, query, cancellationToken);
        return await audit.RecordAsync(principal, "policy.explain", result, e => (e.Key?.Id, null), null, null, cancellationToken);
    }

    private async Task<Result<Explanation>> ExplainCoreAsync(Principal principal, ExplainQuery query, CancellationToken cancellationToken)
    {
        if (await MayReadAsync(principal, cancellationToken) is { } denied) return denied;
        if (Operations.Parse(query.Operation) is not [var operation])
            return CustosError.Invalid($"operation '{query.Operation}' is not one of {string.Join(", ", Operations.Names)}");
        Principal subject;
        if (query.PrincipalId is { Length: > 0 } id)
        {
            if (query.Roles is { Count: > 0 } || query.Groups is { Count: > 0 }) return CustosError.Invalid("name a principal, or roles and groups, not both");
            if (await principals.FindAsync(id, cancellationToken) is not { } found) return new CustosError(ErrorCode.NotFound, $"no principal '{id}'");
            subject = found;
        }
        else
        {
            var roles = (query.Roles ?? []).Select(r => Roles.Canonical(r) ?? "").ToList();
            if (roles.Contains("")) return CustosError.Invalid($"unknown role; roles are {string.Join(", ", Roles.Assignable)}, root");
            var groups = Roles.NormalizeGroups(query.Groups);
            if (!groups.IsSuccess) return groups.Error;
            if (roles.Count + groups.Value.Count == 0) return CustosError.Invalid("name a principal, or the roles and groups of a hypothetical one");
            subject = new Principal("hypothetical", "a principal with " + string.Join(", ", roles.Concat(groups.Value.Select(g => "group " + g))),
                new HashSet<string>(roles, StringComparer.Ordinal)) { Groups = groups.Value };
        }
        KeyFacts? key = null;
        if (query.Key is { Length: > 0 } reference)
        {
            var resolved = await keys.ReadAsync(reference, cancellationToken);
            if (!resolved.IsSuccess) return resolved.Error;
            key = KeyFacts.Of(resolved.Value);
        }
        if (query.Justification is { } code && !Justification.IsPublished(code))
            return CustosError.Invalid($"unknown justification code '{code}'; codes are {Justification.CodeList}");
        System.Net.IPAddress? address = null;
        if (query.ClientAddress is { Length: > 0 } text && !System.Net.IPAddress.TryParse(text, out address))
            return CustosError.Invalid($"'{text}' is not an IP address");
        PolicyVersion policy;
        if (query.Version is { } v)
        {
            var found = v == 0 ? PolicyVersion.Default : await repository.GetAsync(v, cancellationToken);
            if (found is null) return new CustosError(ErrorCode.NotFound, $"policy version {v} not found");
            policy = found;
        }
        else policy = await active.GetAsync(cancellationToken);
        var request = new AccessRequest(subject, operation, key, query.Justification, address, query.At ?? time.GetUtcNow());
        return new Explanation(PolicyEvaluator.Evaluate(policy.Document, policy.Version, request, explain: true), subject, key);
    }

    /// <summary>Security officers (administer) and auditors (read-audit) read the policy.</summary>
    private async ValueTask<CustosError?> MayReadAsync(Principal principal, CancellationToken cancellationToken)
    {
        if (await guard.AuthorizeAsync(principal, Operation.Administer, null, cancellationToken) is null) return null;
        return await guard.AuthorizeAsync(principal, Operation.ReadAudit, null, cancellationToken) is null
            ? null
            : new CustosError(ErrorCode.Forbidden, $"'{principal.Name}' may not read the access policy (security officers and auditors may)");
    }
}
