namespace Custos.Core.Approvals;

/// <summary>How long an approval request waits for its approvals (server option <c>approvals.requestTtlMinutes</c>).</summary>
public sealed record ApprovalOptions(TimeSpan RequestTtl)
{
    /// <summary>The default: 24 hours.</summary>
    public static ApprovalOptions Default { get; } = new(TimeSpan.FromHours(24));
}
