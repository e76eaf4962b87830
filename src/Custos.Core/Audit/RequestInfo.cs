namespace Custos.Core.Audit;

/// <summary>
/// Where a request came from, carried with its principal so that every audit event names the request.
/// <see cref="EventsRecorded"/> lets the front-end know whether the core already recorded the request.
/// </summary>
public sealed class RequestInfo(string requestId, string? clientAddress, Access.Justification? justification = null)
{
    private int _recorded;

    /// <summary>The request id.</summary>
    public string RequestId { get; } = requestId;
    /// <summary>The client's network address.</summary>
    public string? ClientAddress { get; } = clientAddress;
    /// <summary>The justification the caller gave (a published code and optional text), if any.</summary>
    public Access.Justification? Justification { get; } = justification;

    /// <summary>The justification code alone (what policy conditions test).</summary>
    public string? JustificationCode => Justification?.Code;

    /// <summary>The client's address, parsed; null when unknown.</summary>
    public System.Net.IPAddress? ClientIp => _clientIp ??= System.Net.IPAddress.TryParse(ClientAddress, out var ip) ? ip : null;
    private System.Net.IPAddress? _clientIp;

    /// <summary>The policy version and rule that decided the request ("3/key-users-use"), for its audit event.</summary>
    public string? Decision => _decisionRule is null ? null : $"{_decisionVersion}/{_decisionRule}";
    private int _decisionVersion;
    private string? _decisionRule;

    /// <summary>What a threshold unwrap in this request did with the custodians (combined, faulty), for its audit event; null when none.</summary>
    public AuditThreshold? Threshold { get; private set; }

    /// <summary>Notes the custodians of a threshold unwrap (the last one counts; a request unwraps at most once).</summary>
    public void RecordThreshold(AuditThreshold threshold) => Threshold = threshold;

    /// <summary>The signed approvals of the quorum grant this request used, when it used one (forwarded to threshold custodians).</summary>
    public IReadOnlyList<Threshold.ThresholdApproval>? GrantApprovals { get; private set; }

    /// <summary>Notes the approvals of the grant the request used.</summary>
    public void RecordGrantApprovals(IReadOnlyList<Threshold.ThresholdApproval> approvals) => GrantApprovals = approvals;

    /// <summary>Notes the policy decision (formatted only when an event reads it); the last one counts (a rewrap is decided for two keys).</summary>
    public void RecordDecision(int policyVersion, string ruleId) => (_decisionVersion, _decisionRule) = (policyVersion, ruleId);
    /// <summary>How many events the core recorded for this request.</summary>
    public int EventsRecorded => Volatile.Read(ref _recorded);

    /// <summary>Marks that an event for this request was recorded.</summary>
    public void MarkRecorded() => Interlocked.Increment(ref _recorded);

    /// <summary>True when the core answered the request itself (also when its event could not be recorded and it refused).</summary>
    public bool Handled => EventsRecorded > 0 || Volatile.Read(ref _refused);

    /// <summary>Marks that the core refused the request because its event could not be recorded.</summary>
    public void MarkRefusedUnrecorded() => Volatile.Write(ref _refused, true);

    private bool _refused;
    private int _logSlotReleased;

    /// <summary>
    /// Group-commit hint (see <see cref="IAuditLog.RequestStarted"/>): true only the first time, when this
    /// request's event has just been queued or the request ends; the caller then calls
    /// <see cref="IAuditLog.RequestEnded"/>, so the log stops waiting for this request.
    /// </summary>
    public bool ReleaseLogSlot() => Interlocked.Exchange(ref _logSlotReleased, 1) == 0;
}
