using Custos.Core.Approvals;
using Custos.Core.Errors;
using static Custos.Core.Tests.Approvals.ApprovalBench;

namespace Custos.Core.Tests.Approvals;

/// <summary>The data-plane quorum: a decrypt that needs 2 of 3 approvals, and the grant it yields.</summary>
public sealed class GrantFlowTests
{
    [Fact]
    public async Task A_decrypt_needing_2_of_3_is_refused_before_served_after_two_approvals_and_within_the_grant_then_refused_when_its_uses_are_spent()
    {
        using var b = new ApprovalBench(grantUses: 3);
        var key = await b.KeyAsync("payroll");
        var blob = await b.EncryptAsync(key, "42");

        var before = await b.DecryptAsync(blob, "42");
        var id = ApprovalIdOf(before.Error);
        Assert.Contains("2 approval(s) from approvers in group 'payments-approvers'", before.Error!.Message, StringComparison.Ordinal);
        Assert.Contains(id, before.Error.Message, StringComparison.Ordinal);
        Assert.Equal(id, ApprovalIdOf((await b.DecryptAsync(blob, "42")).Error)); // the same request finds the same approval request

        Assert.True((await b.DecideAsync(b.A1, id)).IsSuccess);
        Assert.Equal(id, ApprovalIdOf((await b.DecryptAsync(blob, "42")).Error)); // one approval is not enough
        var approved = await b.DecideAsync(b.A2, id);
        Assert.Equal(ApprovalStatus.Approved, approved.Value.Status);
        Assert.NotNull(approved.Value.GrantId);

        for (int use = 1; use <= 3; use++)
        {
            var served = await b.DecryptAsync(blob, "42");
            Assert.True(served.IsSuccess, served.Error?.Message);
            Assert.Equal("salary"u8.ToArray(), served.Value.Plaintext.Reveal().ToArray());
        }
        var spent = await b.DecryptAsync(blob, "42");
        Assert.NotEqual(id, ApprovalIdOf(spent.Error)); // a fresh request for a new round of approvals
        var grant = (await b.F.Grants.ListAsync(b.Officer, None)).Value.Single();
        Assert.Equal((0, "used-up"), (grant.UsesLeft, grant.StateAt(b.F.Time.GetUtcNow())));
        Assert.Equal([b.A1.Id, b.A2.Id], grant.ApprovedBy);
    }

    [Fact]
    public async Task A_grant_serves_only_its_principal_and_context_and_ends_with_its_time()
    {
        using var b = new ApprovalBench(grantMinutes: 15);
        var key = await b.KeyAsync("payroll");
        var blob42 = await b.EncryptAsync(key, "42");
        var blob43 = await b.EncryptAsync(key, "43");
        var id = ApprovalIdOf((await b.DecryptAsync(blob42, "42")).Error);
        await b.DecideAsync(b.A1, id);
        await b.DecideAsync(b.A3, id);

        Assert.True((await b.DecryptAsync(blob42, "42")).IsSuccess);
        Assert.Equal(ErrorCode.ApprovalRequired, (await b.DecryptAsync(blob43, "43")).Error!.Code); // another context
        var otherUser = b.Person("other-app", [Custos.Core.Access.Roles.KeyUser]);
        Assert.Equal(ErrorCode.ApprovalRequired, (await b.DecryptAsync(blob42, "42", otherUser)).Error!.Code); // another principal

        b.F.Time.Advance(TimeSpan.FromMinutes(14));
        Assert.True((await b.DecryptAsync(blob42, "42")).IsSuccess);
        b.F.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(ErrorCode.ApprovalRequired, (await b.DecryptAsync(blob42, "42")).Error!.Code);
    }

    [Fact]
    public async Task A_revoked_grant_serves_no_more_and_only_officers_and_its_approvers_may_revoke_it()
    {
        using var b = new ApprovalBench(grantUses: 100);
        var key = await b.KeyAsync("payroll");
        var blob = await b.EncryptAsync(key, "42");
        var id = ApprovalIdOf((await b.DecryptAsync(blob, "42")).Error);
        await b.DecideAsync(b.A1, id);
        var grantId = (await b.DecideAsync(b.A2, id)).Value.GrantId!;
        Assert.True((await b.DecryptAsync(blob, "42")).IsSuccess);

        Assert.Equal(ErrorCode.Forbidden, (await b.F.Grants.RevokeAsync(Again(b.App), grantId, None)).Error!.Code);
        Assert.Equal(ErrorCode.Forbidden, (await b.F.Grants.RevokeAsync(Again(b.A3), grantId, None)).Error!.Code);
        var revoked = await b.F.Grants.RevokeAsync(Again(b.A2), grantId, None);
        Assert.NotNull(revoked.Value.RevokedAt);
        Assert.Equal(b.A2.Id, revoked.Value.RevokedBy);
        Assert.Equal(ErrorCode.ApprovalRequired, (await b.DecryptAsync(blob, "42")).Error!.Code);
        var again = await b.F.Grants.RevokeAsync(Again(b.Officer), grantId, None); // changes nothing
        Assert.Equal(revoked.Value.RevokedAt, again.Value.RevokedAt);
        Assert.Single(b.F.Audit.Events, e => e.Operation == "grant.revoke" && e.Principal == b.A2.Id && e.Outcome == Custos.Core.Audit.AuditOutcome.Allowed);
    }

    [Fact]
    public async Task Each_approval_grant_creation_grant_use_and_revocation_leaves_one_audit_event()
    {
        using var b = new ApprovalBench(grantUses: 2);
        var key = await b.KeyAsync("payroll");
        var blob = await b.EncryptAsync(key, "42");
        var id = ApprovalIdOf((await b.DecryptAsync(blob, "42")).Error);
        await b.DecideAsync(b.A1, id);
        var grantId = (await b.DecideAsync(b.A2, id)).Value.GrantId!;
        await b.DecryptAsync(blob, "42");
        await b.DecryptAsync(blob, "42");
        await b.F.Grants.RevokeAsync(Again(b.A1), grantId, None);

        Assert.Equal(1, b.Events("approval.request"));
        Assert.Equal(2, b.Events("approval.approve"));
        Assert.Equal(1, b.Events("grant.create"));
        Assert.Equal(2, b.Events("grant.use"));
        Assert.Equal(1, b.Events("grant.revoke"));
        var uses = b.F.Audit.Events.Where(e => e.Operation == "grant.use").ToList();
        Assert.All(uses, e => Assert.Equal((grantId, b.App.Id, key.Id), (e.Approval, e.Principal, e.KeyId)));
        Assert.Equal(id, b.F.Audit.Events.Single(e => e.Operation == "approval.request").Approval);
        Assert.Equal(grantId, b.F.Audit.Events.Single(e => e.Operation == "grant.create").Approval);
        // The decrypts themselves are recorded as always: refused first, then allowed under the grant.
        Assert.Equal(2, b.F.Audit.Events.Count(e => e.Operation == "data.decrypt" && e.Outcome == Custos.Core.Audit.AuditOutcome.Allowed));
    }
}
