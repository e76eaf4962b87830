using Custos.Core.Access;
using Custos.Core.Access.Policy;
using Custos.Core.Approvals;
using Custos.Core.Ports;
using static Custos.Storage.Tests.Contracts.TestKeys;

namespace Custos.Storage.Tests.Contracts;

/// <summary>
/// What every <see cref="IApprovalRepository"/> must do: one pending request per subject, one decision per
/// approver, quorum and denial decided inside the write, executed once, grant uses taken one at a time.
/// An adapter's test class derives from this and supplies a fresh, empty repository per test.
/// </summary>
public abstract class ApprovalRepositoryContract
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new repository over an empty store, private to the calling test.</summary>
    protected abstract IApprovalRepository CreateRepository();

    private static ApprovalRequest Candidate(string subject = "s", Operation operation = Operation.Decrypt, int count = 2, DateTimeOffset? at = null) => new()
    {
        Id = "apr_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)),
        SubjectSha256 = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(subject)),
        Requester = new ApprovalRequester("token:tok_app", "app ✓", ["key-user"], ["payments"], "10.0.0.7", "scheduled-job"),
        Operation = operation,
        KeyId = "0193c1a2-0000-7000-8000-000000000001",
        ContextSha256 = operation.IsDataPlane() ? new string('c', 64) : null,
        Parameters = operation.IsDataPlane() ? null : "key.schedule-destruction {\"pendingDays\":7}",
        PolicyVersion = 4,
        RuleId = "decrypt-restricted",
        Requirement = new ApprovalRequirement { Count = count, Group = "payments-approvers", GrantMinutes = 15, GrantUses = 2 },
        CreatedAt = at ?? T0,
        ExpiresAt = (at ?? T0).AddHours(24),
        Status = ApprovalStatus.Pending,
    };

    private static ApprovalDecision Decision(string approver, ApprovalVerdict verdict = ApprovalVerdict.Approve) =>
        new("token:" + approver, approver, verdict, "ok", [0x30, 1, 2], [0x30, 9, 9], T0.AddMinutes(5).Add(Microsecond));

    private static Grant GrantFor(ApprovalRequest r) =>
        new(Grant.NewId(), r.Id, r.Requester.Id, r.Operation, r.KeyId, r.ContextSha256!, [], T0.AddMinutes(5), T0.AddMinutes(20), 2, 2);

    [Fact]
    public async Task A_pending_request_round_trips_and_its_subject_finds_it_again()
    {
        var repository = CreateRepository();
        var first = Candidate();
        var stored = await repository.GetOrCreatePendingAsync(first, T0, null, Ct);
        var again = await repository.GetOrCreatePendingAsync(Candidate(), T0.AddMinutes(1), null, Ct);
        var other = await repository.GetOrCreatePendingAsync(Candidate("other"), T0, null, Ct);

        Assert.Equal(first.Id, stored.Id);
        Assert.Equal(first.Id, again.Id);
        Assert.NotEqual(first.Id, other.Id);
        var read = (await repository.GetAsync(first.Id, Ct))!;
        Assert.Equal(first.Requester, read.Requester with { Roles = first.Requester.Roles, Groups = first.Requester.Groups });
        Assert.Equal(first.Requester.Roles, read.Requester.Roles);
        Assert.Equal((first.Operation, first.KeyId, first.ContextSha256, first.Parameters, first.RuleId, first.PolicyVersion, first.Requirement),
            (read.Operation, read.KeyId, read.ContextSha256, read.Parameters, read.RuleId, read.PolicyVersion, read.Requirement));
        Assert.Equal(first.SubjectSha256, read.SubjectSha256);
        KeyAssert.SameInstant(first.ExpiresAt, read.ExpiresAt);
        Assert.Equal(ApprovalStatus.Pending, read.Status);
        Assert.Equal(2, (await repository.ListAsync(null, 10, Ct)).Count);
        Assert.Empty(await repository.ListAsync("token:someone-else", 10, Ct));
    }

    [Fact]
    public async Task A_pending_request_past_its_time_is_expired_and_its_subject_opens_a_new_one()
    {
        var repository = CreateRepository();
        var first = await repository.GetOrCreatePendingAsync(Candidate(), T0, null, Ct);
        var later = T0.AddHours(25);
        var second = await repository.GetOrCreatePendingAsync(Candidate(at: later), later, null, Ct);

        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(ApprovalStatus.Expired, (await repository.GetAsync(first.Id, Ct))!.Status);
        Assert.Equal((DecisionOutcome.NotPending), (await repository.AddDecisionAsync(first.Id, Decision("a1"), later, null, null, null, Ct)).Outcome);
    }

    [Fact]
    public async Task One_approver_counts_once_and_the_quorum_stores_the_grant_with_its_approvers()
    {
        var repository = CreateRepository();
        var request = await repository.GetOrCreatePendingAsync(Candidate(), T0, null, Ct);

        Assert.Equal(DecisionOutcome.Recorded, (await repository.AddDecisionAsync(request.Id, Decision("a1"), T0, GrantFor(request), null, null, Ct)).Outcome);
        Assert.Equal(DecisionOutcome.AlreadyDecided, (await repository.AddDecisionAsync(request.Id, Decision("a1"), T0, GrantFor(request), null, null, Ct)).Outcome);
        Assert.Empty(await repository.ListGrantsAsync(10, Ct));
        var grant = GrantFor(request);
        var (outcome, after) = await repository.AddDecisionAsync(request.Id, Decision("a2"), T0, grant, null, null, Ct);

        Assert.Equal(DecisionOutcome.Approved, outcome);
        Assert.Equal((ApprovalStatus.Approved, grant.Id, 2), (after!.Status, after.GrantId, after.Approvals));
        Assert.Equal(["token:a1", "token:a2"], after.Decisions.Select(d => d.ApproverId));
        Assert.Equal([0x30, 9, 9], after.Decisions[0].Signature);
        var stored = (await repository.GetGrantAsync(grant.Id, Ct))!;
        Assert.Equal(["token:a1", "token:a2"], stored.ApprovedBy);
        Assert.Equal((request.Requester.Id, Operation.Decrypt, 2), (stored.PrincipalId, stored.Operation, stored.UsesLeft));
        Assert.Equal(DecisionOutcome.NotPending, (await repository.AddDecisionAsync(request.Id, Decision("a3"), T0, null, null, null, Ct)).Outcome);
    }

    [Fact]
    public async Task One_denial_denies()
    {
        var repository = CreateRepository();
        var request = await repository.GetOrCreatePendingAsync(Candidate(), T0, null, Ct);
        await repository.AddDecisionAsync(request.Id, Decision("a1"), T0, null, null, null, Ct);
        var (outcome, after) = await repository.AddDecisionAsync(request.Id, Decision("a2", ApprovalVerdict.Deny), T0, GrantFor(request), null, null, Ct);

        Assert.Equal(DecisionOutcome.Denied, outcome);
        Assert.Equal(ApprovalStatus.Denied, after!.Status);
        Assert.Null(after.GrantId);
        Assert.Empty(await repository.ListGrantsAsync(10, Ct));
    }

    [Fact]
    public async Task Grant_uses_are_taken_one_at_a_time_until_none_is_left_and_never_from_a_revoked_grant()
    {
        var repository = CreateRepository();
        var request = await repository.GetOrCreatePendingAsync(Candidate(count: 1), T0, null, Ct);
        var grant = GrantFor(request);
        await repository.AddDecisionAsync(request.Id, Decision("a1"), T0, grant, null, null, Ct);
        var scope = new GrantScope(request.Requester.Id, Operation.Decrypt, request.KeyId, request.ContextSha256!);
        var now = T0.AddMinutes(6);

        Assert.Null(await repository.TryUseGrantAsync(scope with { ContextSha256 = new string('d', 64) }, now, _ => null, Ct));
        Assert.Null(await repository.TryUseGrantAsync(scope with { Operation = Operation.Rewrap }, now, _ => null, Ct));
        Assert.Equal(1, (await repository.TryUseGrantAsync(scope, now, _ => null, Ct))!.UsesLeft);
        Assert.Equal(0, (await repository.TryUseGrantAsync(scope, now, _ => null, Ct))!.UsesLeft);
        Assert.Null(await repository.TryUseGrantAsync(scope, now, _ => null, Ct));

        var second = await repository.GetOrCreatePendingAsync(Candidate("again", count: 1), T0, null, Ct);
        var another = GrantFor(second);
        await repository.AddDecisionAsync(second.Id, Decision("a1"), T0, another, null, null, Ct);
        Assert.Null(await repository.TryUseGrantAsync(scope, T0.AddMinutes(21), _ => null, Ct)); // past its time
        Assert.True(await repository.RevokeGrantAsync(another.Id, "token:a1", now, null, Ct));
        Assert.False(await repository.RevokeGrantAsync(another.Id, "token:a1", now, null, Ct));
        Assert.Null(await repository.TryUseGrantAsync(scope, now, _ => null, Ct));
        Assert.Equal("token:a1", (await repository.GetGrantAsync(another.Id, Ct))!.RevokedBy);
    }

    [Fact]
    public async Task Concurrent_uses_never_take_more_than_the_grant_has()
    {
        var repository = CreateRepository();
        var request = await repository.GetOrCreatePendingAsync(Candidate(count: 1), T0, null, Ct);
        await repository.AddDecisionAsync(request.Id, Decision("a1"), T0, GrantFor(request), null, null, Ct);
        var scope = new GrantScope(request.Requester.Id, Operation.Decrypt, request.KeyId, request.ContextSha256!);

        var uses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => repository.TryUseGrantAsync(scope, T0.AddMinutes(6), _ => null, Ct)));

        Assert.Equal(2, uses.Count(u => u is not null));
    }

    [Fact]
    public async Task An_approved_request_is_executed_once_and_keeps_its_outcome()
    {
        var repository = CreateRepository();
        var request = await repository.GetOrCreatePendingAsync(Candidate(operation: Operation.DestroyKey, count: 1), T0, null, Ct);
        Assert.Null(await repository.TryExecuteAsync(request.SubjectSha256, T0, _ => null, Ct)); // not approved yet
        await repository.AddDecisionAsync(request.Id, Decision("a1"), T0, null, null, null, Ct);

        Assert.Equal(request.Id, (await repository.TryExecuteAsync(request.SubjectSha256, T0.AddMinutes(1), _ => null, Ct))!.Id);
        Assert.Null(await repository.TryExecuteAsync(request.SubjectSha256, T0.AddMinutes(1), _ => null, Ct));
        await repository.SetOutcomeAsync(request.Id, "ran as token:tok_app", Ct);
        var after = (await repository.GetAsync(request.Id, Ct))!;
        Assert.Equal((ApprovalStatus.Executed, "ran as token:tok_app"), (after.Status, after.Outcome));
    }
}
