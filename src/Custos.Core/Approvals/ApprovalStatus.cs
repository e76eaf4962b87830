namespace Custos.Core.Approvals;

/// <summary>Where an approval request stands.</summary>
public enum ApprovalStatus
{
    /// <summary>Waiting for approvals.</summary>
    Pending,
    /// <summary>Quorum reached: a data-plane request got its grant; an administrative one may run once.</summary>
    Approved,
    /// <summary>An eligible approver denied it.</summary>
    Denied,
    /// <summary>Its time ran out before quorum.</summary>
    Expired,
    /// <summary>The approved administrative operation ran (its outcome is on the request).</summary>
    Executed,
}

/// <summary>What an approver decided.</summary>
public enum ApprovalVerdict
{
    /// <summary>Counts towards quorum.</summary>
    Approve,
    /// <summary>Denies the request at once.</summary>
    Deny,
}

/// <summary>Wire names of the approval enums.</summary>
public static class ApprovalNames
{
    /// <summary>"pending", "approved", ...</summary>
    public static string Name(this ApprovalStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>"approve" or "deny".</summary>
    public static string Name(this ApprovalVerdict verdict) => verdict == ApprovalVerdict.Approve ? "approve" : "deny";

    /// <summary>A status from its wire name; null when unknown.</summary>
    public static ApprovalStatus? ParseStatus(string? name) =>
        Enum.GetValues<ApprovalStatus>().Cast<ApprovalStatus?>().FirstOrDefault(s => s!.Value.Name() == name);
}
