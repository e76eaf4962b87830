using Custos.Core.Access;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Ports;
using Custos.Core.Residency;

namespace Custos.Core.Service;

/// <summary>
/// The legal register: security officers (administer) create, replace and delete entries; they and auditors
/// (read-audit) read them. Every step is audited, each change in the same transaction as its event. A change is
/// refused when it would strand a key (put it out of residency policy at a location of this node), and an entry
/// cannot be deleted while a location of this node names it as its operator.
/// </summary>
public sealed class RegisterService(
    IProviderRepository repository, LegalRegister register, ResidencyCompliance compliance, Guard guard, AuditRecorder audit, TimeProvider time)
{
    /// <summary>Largest entry accepted, in bytes of JSON.</summary>
    public const int MaxEntryBytes = 32 * 1024;

    /// <summary>Every entry, by id.</summary>
    public async Task<Result<IReadOnlyList<RegisteredProvider>>> ListAsync(Principal principal, CancellationToken cancellationToken)
    {
        Result<IReadOnlyList<RegisteredProvider>> result = await MayReadAsync(principal, cancellationToken) is { } denied
            ? denied
            : Result<IReadOnlyList<RegisteredProvider>>.Ok(await repository.ListAsync(cancellationToken));
        return await RecordAsync(principal, "register.list", null, result, cancellationToken);
    }

    /// <summary>One entry.</summary>
    public async Task<Result<RegisteredProvider>> GetAsync(Principal principal, string id, CancellationToken cancellationToken)
    {
        Result<RegisteredProvider> result;
        if (await MayReadAsync(principal, cancellationToken) is { } denied) result = denied;
        else if (!Provider.IsValidId(id)) result = CustosError.Invalid($"'{Trim(id)}' is not a provider id (1-64 characters of a-z, 0-9 and '-')");
        else result = await repository.GetAsync(id, cancellationToken) is { } found ? found : NotFound(id);
        return await RecordAsync(principal, "register.get", Provider.IsValidId(id) ? id : null, result, cancellationToken);
    }

    /// <summary>
    /// Creates or replaces entry <paramref name="id"/> with <paramref name="json"/> (a provider document whose id, if
    /// given, is <paramref name="id"/>); <c>Created</c> tells which. Refused with 409 when the new entry would put a key
    /// that complies now out of residency policy at a location of this node.
    /// </summary>
    public async Task<Result<(RegisteredProvider Entry, bool Created)>> PutAsync(Principal principal, string id, ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        var checkedResult = await CheckPutAsync(principal, id, json, cancellationToken);
        if (!checkedResult.IsSuccess)
            return await RecordAsync(principal, "register.put", Provider.IsValidId(id) ? id : null, Result<(RegisteredProvider, bool)>.Fail(checkedResult.Error), cancellationToken);
        var provider = checkedResult.Value;
        var now = time.GetUtcNow();
        bool created;
        try
        {
            created = await repository.PutAsync(provider, principal.Id, now, ForChange(principal, "register.put", id, provider), cancellationToken);
        }
        catch (CustosUnavailableException)
        {
            principal.Request?.MarkRefusedUnrecorded();
            return AuditRecorder.AuditUnavailable;
        }
        principal.Request?.MarkRecorded();
        register.Invalidate();
        return (new RegisteredProvider(provider, now, principal.Id), created);
    }

    private async Task<Result<Provider>> CheckPutAsync(Principal principal, string id, ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        if (await guard.AuthorizeAsync(principal, Operation.Administer, null, cancellationToken) is { } denied) return denied;
        if (!Provider.IsValidId(id)) return CustosError.Invalid($"'{Trim(id)}' is not a provider id (1-64 characters of a-z, 0-9 and '-')");
        if (json.Length > MaxEntryBytes) return CustosError.Invalid($"a register entry is at most {MaxEntryBytes} bytes of JSON");
        var parsed = Provider.Parse(json.Span);
        if (!parsed.IsSuccess) return parsed.Error;
        var provider = parsed.Value;
        if (provider.Id != id) return CustosError.Invalid($"the entry's id '{provider.Id}' is not '{id}', the id it is put under");
        var providers = new Dictionary<string, Provider>(await register.GetAsync(cancellationToken), StringComparer.Ordinal) { [id] = provider };
        if (await compliance.WouldStrandAsync(null, providers, cancellationToken) is { Count: > 0 } stranded)
            return ResidencyCompliance.StrandingRefusal($"this change to provider '{id}'", stranded);
        return provider;
    }

    /// <summary>Deletes an entry; refused (409) while a location of this node names it as its operator.</summary>
    public async Task<Result<string>> DeleteAsync(Principal principal, string id, CancellationToken cancellationToken)
    {
        var checkedResult = await CheckDeleteAsync(principal, id, cancellationToken);
        var auditId = Provider.IsValidId(id) ? id : null;
        if (!checkedResult.IsSuccess) return await RecordAsync(principal, "register.delete", auditId, checkedResult, cancellationToken);
        bool deleted;
        try
        {
            deleted = await repository.DeleteAsync(id, ForChange(principal, "register.delete", id), cancellationToken);
        }
        catch (CustosUnavailableException)
        {
            principal.Request?.MarkRefusedUnrecorded();
            return AuditRecorder.AuditUnavailable;
        }
        if (!deleted) return await RecordAsync(principal, "register.delete", auditId, Result<string>.Fail(NotFound(id)), cancellationToken);
        principal.Request?.MarkRecorded();
        register.Invalidate();
        return id;
    }

    private async Task<Result<string>> CheckDeleteAsync(Principal principal, string id, CancellationToken cancellationToken)
    {
        if (await guard.AuthorizeAsync(principal, Operation.Administer, null, cancellationToken) is { } denied) return denied;
        if (!Provider.IsValidId(id)) return CustosError.Invalid($"'{Trim(id)}' is not a provider id (1-64 characters of a-z, 0-9 and '-')");
        if (await repository.GetAsync(id, cancellationToken) is null) return NotFound(id);
        if (UsedBy(id) is { Count: > 0 } owners)
            return new CustosError(ErrorCode.Conflict, $"provider '{id}' operates {string.Join(" and ", owners)}: change {(owners.Count == 1 ? "that location" : "those locations")} in the configuration first");
        return id;
    }

    /// <summary>What on this node names <paramref name="id"/> as its operator ("node 'n1'", "keystore 'hsm:x'").</summary>
    public IReadOnlyList<string> UsedBy(string id) => compliance.Locations.Declared().Where(d => d.Location.Operator == id).Select(d => d.Owner).ToList();

    /// <summary>
    /// Puts <paramref name="provider"/> as Custos itself when the register lacks it or holds a different entry (dev mode's
    /// placeholder), audited as <c>register.put</c> by <c>system</c>. No stranding check: the start-up check follows.
    /// </summary>
    public async Task EnsureAsync(Provider provider, CancellationToken cancellationToken)
    {
        if (provider.Validate() is { } invalid) throw Error.Invariant(invalid.Message);
        var existing = await repository.GetAsync(provider.Id, cancellationToken);
        if (existing is not null && existing.Provider.ToCanonicalJson().AsSpan().SequenceEqual(provider.ToCanonicalJson())) return;
        await repository.PutAsync(provider, Principal.System.Id, time.GetUtcNow(), ForChange(Principal.System, "register.put", provider.Id, provider), cancellationToken);
        register.Invalidate();
    }

    /// <summary>The event of a change; a put carries the SHA-256 of the entry's canonical JSON, so that a report can show the entry it quotes is the one put.</summary>
    private AuditEvent? ForChange(Principal principal, string operation, string id, Provider? put = null) =>
        audit.ForChange(principal, operation, null, null) is { } e ? e with { Provider = id, DocumentSha256 = put?.CanonicalSha256() } : null;

    private async Task<Result<T>> RecordAsync<T>(Principal principal, string operation, string? id, Result<T> result, CancellationToken cancellationToken)
    {
        var auditEvent = audit.Event(principal, operation, null, null, result.Error) with { Provider = id };
        try
        {
            await audit.RecordAsync(principal, auditEvent, cancellationToken);
            return result;
        }
        catch (CustosUnavailableException)
        {
            principal.Request?.MarkRefusedUnrecorded();
            return AuditRecorder.AuditUnavailable;
        }
    }

    /// <summary>Security officers (administer) and auditors (read-audit) read the register.</summary>
    private async ValueTask<CustosError?> MayReadAsync(Principal principal, CancellationToken cancellationToken)
    {
        if (await guard.AuthorizeAsync(principal, Operation.Administer, null, cancellationToken) is null) return null;
        return await guard.AuthorizeAsync(principal, Operation.ReadAudit, null, cancellationToken) is null
            ? null
            : new CustosError(ErrorCode.Forbidden, $"'{principal.Name}' may not read the legal register (security officers and auditors may)");
    }

    private static CustosError NotFound(string id) => new(ErrorCode.NotFound, $"provider '{id}' is not in the legal register");

    private static string Trim(string? s) => s is null ? "" : s.Length <= 40 ? s : s[..40] + "...";
}
