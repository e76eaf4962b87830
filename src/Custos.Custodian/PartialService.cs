using System.Globalization;
using System.Text;
using Custos.Core.Audit;
using Custos.Crypto.Threshold;
using Custos.Storage.Sqlite;
using Custos.Threshold.Protocol;

namespace Custos.Custodian;

/// <summary>
/// Answers an unwrap's partial request: the custodian's own policy first (<see cref="CustodianPolicy"/>), then its
/// active share of the named group, then <see cref="PartialDecryption.TryCompute"/>, which validates the ephemeral
/// point before the share touches it and names the <see cref="PointRejection"/> when it refuses. Every request,
/// answered or refused, is one audit event, durable before the answer goes back.
/// </summary>
public sealed class PartialService(CustodianIdentity me, SqliteShareStore store, ShareCache cache, CustodianPolicy policy, CustodianAudit audit)
{
    /// <summary>The partial, or a refusal.</summary>
    public async Task<Outcome<PartialResponse>> ComputeAsync(TrustedServerOptions server, PartialRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(request);
        if (Bounds(request) is { } invalid) return await RefuseAsync(server, request, invalid, cancellationToken);
        if (policy.Check(server, request) is { } refusal)
            return await RefuseAsync(server, request, new Refusal(refusal.Code == "throttled" ? 429 : 403, refusal.Code, refusal.Reason), cancellationToken);
        PointRejection rejection = PointRejection.None;
        Task? durable = null;
        var partial = await cache.UseAsync(request.KeyId, request.KeyVersion, request.Fingerprint, async () =>
        {
            var stored = await store.GetAsync(request.KeyId, request.KeyVersion, request.Fingerprint, cancellationToken);
            if (stored is not { State: ShareState.Active }) return null;
            return ShareSeal.Open(me.Seal, stored.SealedShare, stored.KeyId, stored.KeyVersion, stored.Fingerprint, stored.Participant)
                ?? throw new InvalidOperationException("a stored share does not open under this custodian's root key");
        }, share =>
        {
            // The point is checked first; once it is valid the answer is decided, so its event is made durable while the
            // partial is computed (the fsync and the scalar multiplications overlap). It is still durable before the answer.
            if (!P256Point.TryDecode(request.Ephemeral, out _, out rejection)) return (object)rejection;
            durable ??= audit.AppendAsync(Event(server, request, AuditOutcome.Allowed, null,
                new() { ["index"] = share.Index.ToString(CultureInfo.InvariantCulture), ["fingerprint"] = request.Fingerprint }), cancellationToken).AsTask();
            return PartialDecryption.TryCompute(share, request.Ephemeral, Encoding.UTF8.GetBytes(request.KeyId), request.KeyVersion, out rejection)
                ?? (object)rejection;
        });
        if (partial is null)
            return await RefuseAsync(server, request, Refusal.NotFound("no-such-share",
                $"this custodian holds no active share of key '{request.KeyId}' version {request.KeyVersion} in group {request.Fingerprint[..16]}"), cancellationToken);
        if (partial is not PartialDecryption computed)
            return await RefuseAsync(server, request, new Refusal(422, "point-rejected", $"the ephemeral point is refused: {Describe(rejection)}", rejection.ToString()), cancellationToken);
        await durable!;
        return new PartialResponse(computed.Encode());
    }

    private async Task<Outcome<PartialResponse>> RefuseAsync(TrustedServerOptions server, PartialRequest request, Refusal refusal, CancellationToken cancellationToken)
    {
        var evidence = new Dictionary<string, string> { ["reason"] = refusal.Detail };
        if (refusal.Reason is { } reason) evidence["point-rejection"] = reason;
        var outcome = refusal.Status is 403 or 429 ? AuditOutcome.Denied : AuditOutcome.Failed;
        await audit.AppendAsync(Event(server, request, outcome, refusal.Code, evidence), cancellationToken);
        return refusal;
    }

    private AuditEvent Event(TrustedServerOptions server, PartialRequest request, AuditOutcome outcome, string? errorCode, Dictionary<string, string> evidence)
    {
        evidence["on-behalf-of"] = Bound(request.Principal);
        bool keyOk = RoundService.CheckKey(request.KeyId, request.KeyVersion) is null;
        return audit.Event(server.Name, "custodian.partial", outcome, errorCode, keyOk ? request.KeyId : null, keyOk ? request.KeyVersion : null, evidence,
            request.RequestId is { Length: <= CustodianProtocol.MaxText } id ? id : null,
            request.Justification is { Length: <= CustodianProtocol.MaxText } j ? j : null);
    }

    private static Refusal? Bounds(PartialRequest r)
    {
        if (RoundService.CheckKey(r.KeyId, r.KeyVersion) is { } key) return key;
        if (r.Fingerprint is not { Length: 64 } || !r.Fingerprint.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')))
            return Refusal.Invalid("fingerprint is 64 lower-case hex characters");
        if (r.Ephemeral is null || r.Ephemeral.Length > 1024) return Refusal.Invalid("ephemeral is a SEC 1 point of at most 1024 bytes");
        if (string.IsNullOrEmpty(r.Principal) || r.Principal.Length > CustodianProtocol.MaxText) return Refusal.Invalid("principal is 1 to 512 characters");
        if (r.RequestId is { Length: > CustodianProtocol.MaxText } || r.Justification is { Length: > CustodianProtocol.MaxText })
            return Refusal.Invalid("requestId and justification are at most 512 characters");
        if (r.Approvals is { Count: > CustodianProtocol.MaxApprovals }) return Refusal.Invalid($"at most {CustodianProtocol.MaxApprovals} approvals");
        return null;
    }

    private static string Bound(string? s) => s is null ? "-" : s.Length <= 128 ? s : s[..128] + "...";

    private static string Describe(PointRejection rejection) => rejection switch
    {
        PointRejection.Malformed => "Malformed (not a SEC 1 compressed or uncompressed P-256 point)",
        PointRejection.Identity => "Identity (the point at infinity)",
        PointRejection.CoordinateOutOfRange => "CoordinateOutOfRange (a coordinate is not below p)",
        PointRejection.NotOnCurve => "NotOnCurve (not on P-256, or a twist point)",
        PointRejection.NotInGroup => "NotInGroup (not in the prime-order group)",
        _ => rejection.ToString(),
    };
}
