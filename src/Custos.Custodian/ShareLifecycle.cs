using Custos.Core.Audit;
using Custos.Storage.Sqlite;
using Custos.Threshold.Protocol;

namespace Custos.Custodian;

/// <summary>
/// Commit, abort and destroy of stored shares, as the Custos server orders them. Committing a group activates this
/// custodian's pending share of it (if any) and deletes its shares of every other group of the key version — for a
/// resharing, the old share (proactive security needs the old shares erased). Each is one audit event written in the
/// same transaction as the change.
/// </summary>
public sealed class ShareLifecycle(SqliteShareStore store, ShareCache cache, RoundService rounds, CustodianAudit audit)
{
    /// <summary>Activates the group's pending share and deletes the others of the version.</summary>
    public async Task<Outcome<CommitResponse>> CommitAsync(string server, string keyId, int keyVersion, GroupRequest request, CancellationToken cancellationToken)
    {
        if (Check(keyId, keyVersion, request) is { } invalid) return await RefuseAsync(server, "custodian.share.commit", invalid, cancellationToken);
        var (activated, deleted) = await store.CommitAsync(keyId, keyVersion, request.Fingerprint, (a, d) =>
            audit.Event(server, "custodian.share.commit", AuditOutcome.Allowed, null, keyId, keyVersion, new Dictionary<string, string>
            {
                ["fingerprint"] = request.Fingerprint, ["activated"] = a.ToString(), ["deleted"] = d.ToString(),
            }), cancellationToken);
        cache.Forget(keyId, keyVersion);
        rounds.Forget(keyId, keyVersion);
        return new CommitResponse(activated, deleted);
    }

    /// <summary>Deletes the group's pending share.</summary>
    public async Task<Outcome<CommitResponse>> AbortAsync(string server, string keyId, int keyVersion, GroupRequest request, CancellationToken cancellationToken)
    {
        if (Check(keyId, keyVersion, request) is { } invalid) return await RefuseAsync(server, "custodian.share.abort", invalid, cancellationToken);
        int deleted = await store.DeletePendingAsync(keyId, keyVersion, request.Fingerprint, null,
            audit.Event(server, "custodian.share.abort", AuditOutcome.Allowed, null, keyId, keyVersion, new Dictionary<string, string> { ["fingerprint"] = request.Fingerprint }),
            cancellationToken);
        cache.Forget(keyId, keyVersion);
        return new CommitResponse(0, deleted);
    }

    /// <summary>Destroys every share of the key version (idempotent).</summary>
    public async Task<Outcome<DestroyResponse>> DestroyAsync(string server, string keyId, int keyVersion, CancellationToken cancellationToken)
    {
        if (RoundService.CheckKey(keyId, keyVersion) is { } invalid) return await RefuseAsync(server, "custodian.share.destroy", invalid, cancellationToken);
        rounds.Forget(keyId, keyVersion);
        int deleted = await store.DeleteVersionAsync(keyId, keyVersion,
            audit.Event(server, "custodian.share.destroy", AuditOutcome.Allowed, null, keyId, keyVersion), cancellationToken);
        cache.Forget(keyId, keyVersion);
        return new DestroyResponse(deleted);
    }

    private async Task<Refusal> RefuseAsync(string server, string operation, Refusal refusal, CancellationToken cancellationToken)
    {
        await audit.AppendAsync(audit.Event(server, operation, AuditOutcome.Failed, refusal.Code, evidence: new Dictionary<string, string> { ["reason"] = refusal.Detail }),
            cancellationToken);
        return refusal;
    }

    private static Refusal? Check(string keyId, int keyVersion, GroupRequest request) =>
        RoundService.CheckKey(keyId, keyVersion)
        ?? (request.Fingerprint is { Length: 64 } f && f.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')) ? null
            : Refusal.Invalid("fingerprint is 64 lower-case hex characters"));
}
