using System.Text;
using Custos.Core.Access;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Ports;
using Custos.Crypto.Signing;
using Microsoft.Extensions.Logging;

namespace Custos.Core.Seal;

/// <summary>
/// The confirmations of an init ceremony (dual control over initialisation). Each operator, having
/// opened their share and found its hash in the transcript, signs the transcript with their own key;
/// the signature is the credential, checked against the key the transcript names for them. A wrong
/// signature, an unknown operator or a second confirmation by the same operator changes nothing. At
/// K confirmations the ceremony is complete: its signatures are stored, the root token is put in force,
/// one <c>ceremony.init</c> audit event (transcript hash and participants) is written in the same
/// transaction, and Custos can be unsealed.
/// </summary>
public sealed partial class InitCeremony(ICeremonyRepository store, SealManager seal, IAuditLog audit, NodeIdentity node, TimeProvider time,
    ILogger<InitCeremony> log) : IDisposable
{
    /// <summary>Largest signature accepted (a DER ECDSA P-256 signature is at most 72 bytes).</summary>
    public const int MaxSignatureBytes = 128;

    // One confirmation at a time on this node; the repository's conditional write covers other nodes.
    private readonly SemaphoreSlim _confirming = new(1, 1);

    /// <summary>The ceremony with that id.</summary>
    public async Task<Result<Ceremony>> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!Ceremony.IsValidId(id)) return NotFound(id);
        return await store.GetAsync(id, cancellationToken) is { } ceremony ? ceremony : NotFound(id);
    }

    /// <summary>
    /// Counts <paramref name="operatorName"/>'s <paramref name="signature"/> over the transcript of ceremony
    /// <paramref name="id"/>; recorded in the audit log on behalf of <paramref name="request"/>. Returns the
    /// ceremony as it now stands.
    /// </summary>
    public async Task<Result<Ceremony>> ConfirmAsync(string id, string operatorName, byte[] signature, RequestInfo? request, CancellationToken cancellationToken)
    {
        await _confirming.WaitAsync(cancellationToken);
        try
        {
            var (result, principal, ceremony) = await ConfirmCoreAsync(id, operatorName, signature, request, cancellationToken);
            if (result is null) return ceremony!; // stored with its audit event
            var failure = Event("ceremony.confirm", principal, request, result) with
            {
                Ceremony = ceremony is null ? null : new AuditCeremony(ceremony.Id, Convert.ToHexStringLower(ceremony.TranscriptSha256)),
            };
            try
            {
                await audit.AppendAsync(failure, request, cancellationToken);
                request?.MarkRecorded();
                return result;
            }
            catch (CustosUnavailableException)
            {
                request?.MarkRefusedUnrecorded();
                return AuditRecorder.AuditUnavailable;
            }
        }
        finally
        {
            _confirming.Release();
        }
    }

    /// <summary>Null error and the updated ceremony when the confirmation was stored; otherwise the refusal.</summary>
    private async Task<(CustosError? Error, string Principal, Ceremony? Ceremony)> ConfirmCoreAsync(string id, string operatorName, byte[] signature,
        RequestInfo? request, CancellationToken cancellationToken)
    {
        const string anonymous = "anonymous";
        if (!Ceremony.IsValidId(id) || await store.GetAsync(id, cancellationToken) is not { } ceremony) return (NotFound(id), anonymous, null);
        var op = ceremony.Operators.FirstOrDefault(o => o.Name == operatorName);
        if (op is null)
        {
            return (CustosError.Invalid($"ceremony {id} has no operator '{InitTranscript.LineSafe(operatorName.Length > 64 ? operatorName[..64] : operatorName)}' " +
                $"(its operators: {string.Join(", ", ceremony.Operators.Select(o => o.Name))})"), anonymous, ceremony);
        }
        if (signature.Length is 0 or > MaxSignatureBytes)
            return (new CustosError(ErrorCode.Forbidden, $"the signature is not {op.Name}'s over the transcript of {id}"), anonymous, ceremony);
        if (!InitTranscript.Hash(ceremony.Transcript).AsSpan().SequenceEqual(ceremony.TranscriptSha256))
            return (new CustosError(ErrorCode.Unavailable, $"the stored transcript of {id} does not match its hash"), anonymous, ceremony);
        var key = VerificationKey.FromSpki(op.PublicKey) ?? throw Error.Invariant($"ceremony {id} stores an unreadable key for {op.Name}");
        if (!key.Verify(Encoding.UTF8.GetBytes(ceremony.Transcript), signature))
        {
            LogBadSignature(log, id, op.Name);
            return (new CustosError(ErrorCode.Forbidden,
                $"the signature is not {op.Name}'s over the transcript of {id} (sha256 {Convert.ToHexStringLower(ceremony.TranscriptSha256)}): sign it with the key whose fingerprint is {op.KeyFingerprint}"),
                anonymous, ceremony);
        }
        var principal = "operator:" + op.Name;
        if (ceremony.Status == CeremonyStatus.Complete)
            return (new CustosError(ErrorCode.Conflict, $"ceremony {id} is complete already (since {ceremony.CompletedAt:u})"), principal, ceremony);
        if (op.Confirmed)
        {
            return (new CustosError(ErrorCode.Conflict,
                $"{op.Name} confirmed ceremony {id} already (at {op.ConfirmedAt:u}); it counts once: {ceremony.Confirmations} of {ceremony.Threshold} confirmations so far"),
                principal, ceremony);
        }

        var now = time.GetUtcNow();
        int before = ceremony.Confirmations;
        bool completes = before + 1 >= ceremony.Threshold;
        var participants = ceremony.Operators.Where(o => o.Confirmed).OrderBy(o => o.ConfirmedAt).Select(o => o.Name).Append(op.Name).ToList();
        var auditEvent = !audit.IsEnabled ? null : Event(completes ? "ceremony.init" : "ceremony.confirm", principal, request, null) with
        {
            Ceremony = new AuditCeremony(id, Convert.ToHexStringLower(ceremony.TranscriptSha256), participants),
        };
        var rootToken = completes && ceremony.RootTokenId is { } tokenId && ceremony.RootTokenHash is { } tokenHash
            ? new AccessToken(tokenId, "root", tokenHash, new HashSet<string> { Roles.Root }, now, null, null)
            : null;
        bool stored;
        try
        {
            stored = await store.ConfirmAsync(new CeremonyConfirmation(id, op.Name, signature, now, before, completes), rootToken, auditEvent, cancellationToken);
        }
        catch (CustosUnavailableException)
        {
            request?.MarkRefusedUnrecorded();
            return (AuditRecorder.AuditUnavailable, principal, ceremony);
        }
        if (!stored) return (new CustosError(ErrorCode.Conflict, $"ceremony {id} changed while {op.Name}'s confirmation was checked; run the command again"), principal, ceremony);
        request?.MarkRecorded();
        if (completes)
        {
            LogCompleted(log, id, string.Join(", ", participants));
            await seal.AutoUnsealAsync(cancellationToken); // seal type "hsm": the HSM may unseal now; other types: nothing to do
        }
        else
        {
            LogConfirmed(log, id, op.Name, before + 1, ceremony.Threshold);
        }
        return (null, principal, await store.GetAsync(id, cancellationToken) ?? throw Error.Invariant($"ceremony {id} vanished"));
    }

    private AuditEvent Event(string operation, string principal, RequestInfo? request, CustosError? error) =>
        AuditEvent.For(time.GetUtcNow(), node.Name, principal, request, operation, AuditRecorder.OutcomeOf(error), error?.Code.WireName());

    private static CustosError NotFound(string id) =>
        new(ErrorCode.NotFound, $"no ceremony '{InitTranscript.LineSafe(id.Length > 64 ? id[..64] : id)}'");

    /// <inheritdoc />
    public void Dispose() => _confirming.Dispose();

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "Init ceremony {CeremonyId}: {Operator} confirmed ({Count} of {Threshold})")]
    private static partial void LogConfirmed(ILogger logger, string ceremonyId, string @operator, int count, int threshold);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "Init ceremony {CeremonyId} complete, confirmed by {Participants}: Custos can be unsealed")]
    private static partial void LogCompleted(ILogger logger, string ceremonyId, string participants);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "Init ceremony {CeremonyId}: a confirmation for {Operator} did not verify")]
    private static partial void LogBadSignature(ILogger logger, string ceremonyId, string @operator);
}
