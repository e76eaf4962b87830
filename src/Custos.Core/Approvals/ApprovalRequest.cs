using System.Security.Cryptography;
using System.Text;
using Custos.Core.Access;
using Custos.Core.Access.Policy;
using Custos.Core.Service;

namespace Custos.Core.Approvals;

/// <summary>
/// Who asked, as they were when they asked: id, name, roles and groups, and the address and justification (as its
/// header value, <c>CODE</c> or <c>CODE; text</c>) the request came with (an approved administrative operation runs
/// as this principal, in these circumstances).
/// </summary>
public sealed record ApprovalRequester(
    string Id,
    string Name,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Groups,
    string? ClientAddress,
    string? Justification)
{
    /// <summary>The snapshot of <paramref name="principal"/>.</summary>
    public static ApprovalRequester Of(Principal principal) => new(
        principal.Id, principal.Name,
        principal.Roles.Order(StringComparer.Ordinal).ToList(), principal.Groups.Order(StringComparer.Ordinal).ToList(),
        principal.Request?.ClientAddress, principal.Request?.Justification?.ToHeaderValue());
}

/// <summary>
/// A request that a policy rule put under quorum: exactly which request (requester, operation, key, and the
/// SHA-256 of the encryption context or the canonical parameters of an administrative operation), which rule
/// asked for how many approvals from whom, until when, how it stands, and the signed decisions so far.
/// </summary>
public sealed record ApprovalRequest
{
    /// <summary><c>apr_</c> and 24 hex digits.</summary>
    public required string Id { get; init; }
    /// <summary>SHA-256 of the subject (<see cref="SubjectOf"/>): what "the same request" means.</summary>
    public required byte[] SubjectSha256 { get; init; }
    /// <summary>Who asked.</summary>
    public required ApprovalRequester Requester { get; init; }
    /// <summary>What they asked to do.</summary>
    public required Operation Operation { get; init; }
    /// <summary>The key (null when creating one).</summary>
    public string? KeyId { get; init; }
    /// <summary>Hex SHA-256 of the canonical encryption context (data-plane requests).</summary>
    public string? ContextSha256 { get; init; }
    /// <summary>The action and its canonical JSON parameters (administrative requests), e.g. <c>key.schedule-destruction {"pendingDays":7}</c>.</summary>
    public string? Parameters { get; init; }
    /// <summary>The policy version whose rule asked for approvals.</summary>
    public required int PolicyVersion { get; init; }
    /// <summary>That rule.</summary>
    public required string RuleId { get; init; }
    /// <summary>How many, from whom, and what a data-plane grant will allow.</summary>
    public required ApprovalRequirement Requirement { get; init; }
    /// <summary>When it was made.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it stops accepting decisions (whole seconds, as in the statement).</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>The stored status (see <see cref="StatusAt"/> for a pending request past its time).</summary>
    public required ApprovalStatus Status { get; init; }
    /// <summary>When quorum was reached or the request denied.</summary>
    public DateTimeOffset? DecidedAt { get; init; }
    /// <summary>The grant the approvals yielded (data-plane requests).</summary>
    public string? GrantId { get; init; }
    /// <summary>What the approved administrative operation did when it ran.</summary>
    public string? Outcome { get; init; }
    /// <summary>The signed decisions, in the order they came.</summary>
    public IReadOnlyList<ApprovalDecision> Decisions { get; init; } = [];

    /// <summary>The status at <paramref name="now"/>: a pending request past its time is expired.</summary>
    public ApprovalStatus StatusAt(DateTimeOffset now) => Status == ApprovalStatus.Pending && ExpiresAt <= now ? ApprovalStatus.Expired : Status;

    /// <summary>Approvals so far.</summary>
    public int Approvals => Decisions.Count(d => d.Verdict == ApprovalVerdict.Approve);

    /// <summary>True for a data-plane request (approvals yield a grant rather than running the operation).</summary>
    public bool YieldsGrant => Operation.IsDataPlane();

    /// <summary>A new pending request for <paramref name="request"/>, decided by <paramref name="decision"/>, about <paramref name="subject"/>.</summary>
    public static ApprovalRequest New(AccessRequest request, PolicyDecision decision, ApprovalSubject subject, DateTimeOffset now, TimeSpan ttl)
    {
        var (context, parameters) = SubjectParts(request.Operation, subject);
        var keyId = request.Key?.Id;
        var expires = now + ttl;
        return new ApprovalRequest
        {
            Id = "apr_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            SubjectSha256 = SubjectOf(request.Principal.Id, request.Operation, keyId, context, parameters),
            Requester = ApprovalRequester.Of(request.Principal),
            Operation = request.Operation,
            KeyId = keyId,
            ContextSha256 = context,
            Parameters = parameters,
            PolicyVersion = decision.PolicyVersion,
            RuleId = decision.RuleId,
            Requirement = decision.Approvals ?? throw Errors.Error.Invariant("an approval request without a requirement"),
            CreatedAt = now,
            ExpiresAt = new DateTimeOffset(expires.UtcTicks - expires.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero),
            Status = ApprovalStatus.Pending,
        };
    }

    /// <summary>Context hash (data plane) or parameters (everything else) of a subject.</summary>
    public static (string? ContextSha256, string? Parameters) SubjectParts(Operation operation, ApprovalSubject subject) =>
        operation.IsDataPlane() ? (Convert.ToHexStringLower(subject.ContextHash()), null) : (null, subject.Summary ?? operation.Name());

    /// <summary>
    /// SHA-256 of <c>custos-approval-subject/v1 LF requester LF operation LF key LF context LF parameters LF</c>
    /// ("-" for what is absent): two requests are the same request exactly when these are equal.
    /// </summary>
    public static byte[] SubjectOf(string requesterId, Operation operation, string? keyId, string? contextSha256, string? parameters) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(
            $"custos-approval-subject/v1\n{requesterId}\n{operation.Name()}\n{keyId ?? "-"}\n{contextSha256 ?? "-"}\n{ApprovalStatement.Escape(parameters ?? "-")}\n"));

    /// <summary>True when <paramref name="id"/> has the shape of an approval request id.</summary>
    public static bool IsValidId(string? id) => IsIdShaped(id, "apr_");

    internal static bool IsIdShaped(string? id, string prefix) =>
        id is { Length: 28 } && id.StartsWith(prefix, StringComparison.Ordinal) && !id.AsSpan(4).ContainsAnyExcept(LowerHex);

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");
}
