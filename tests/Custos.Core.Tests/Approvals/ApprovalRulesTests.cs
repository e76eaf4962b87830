using Custos.Core.Access;
using Custos.Core.Approvals;
using Custos.Core.Errors;
using static Custos.Core.Tests.Approvals.ApprovalBench;

namespace Custos.Core.Tests.Approvals;

/// <summary>Who may approve what, and which signatures count: each rule of the issue, refused where it must be.</summary>
public sealed class ApprovalRulesTests
{
    private static async Task<(ApprovalBench Bench, string Id, byte[] Blob)> PendingDecryptAsync()
    {
        var b = new ApprovalBench();
        var key = await b.KeyAsync("payroll");
        var blob = await b.EncryptAsync(key, "42");
        return (b, ApprovalIdOf((await b.DecryptAsync(blob, "42")).Error), blob);
    }

    [Fact]
    public async Task Nobody_approves_their_own_request()
    {
        using var b = new ApprovalBench();
        var key = await b.KeyAsync("payroll");
        var blob = await b.EncryptAsync(key, "42");
        var both = b.Person("both", [Roles.KeyUser, Roles.Approver], Group);
        var id = ApprovalIdOf((await b.DecryptAsync(blob, "42", both)).Error);

        var own = await b.DecideAsync(both, id);
        Assert.Equal(ErrorCode.Forbidden, own.Error!.Code);
        Assert.Contains("nobody approves their own request", own.Error.Message, StringComparison.Ordinal);
        Assert.Empty((await b.RequestAsync(id)).Decisions);
    }

    [Fact]
    public async Task One_approver_counts_once()
    {
        var (b, id, blob) = await PendingDecryptAsync();
        using var _ = b;
        Assert.True((await b.DecideAsync(b.A1, id)).IsSuccess);
        var twice = await b.DecideAsync(b.A1, id);
        Assert.Equal(ErrorCode.Conflict, twice.Error!.Code);
        Assert.Contains("one approver counts once", twice.Error.Message, StringComparison.Ordinal);

        var request = await b.RequestAsync(id);
        Assert.Equal((1, ApprovalStatus.Pending), (request.Approvals, request.Status));
        Assert.Equal(ErrorCode.ApprovalRequired, (await b.DecryptAsync(blob, "42")).Error!.Code);
        Assert.Single(b.F.Audit.Events, e => e.Operation == "approval.approve" && e.Outcome == Custos.Core.Audit.AuditOutcome.Allowed);
    }

    [Fact]
    public async Task Only_approvers_in_the_rules_group_whom_the_policy_lets_approve_that_key_may_decide()
    {
        var (b, id, _) = await PendingDecryptAsync();
        using var _b = b;

        var notApprover = await b.DecideAsync(b.UserWithKey, id);
        Assert.Equal(ErrorCode.Forbidden, notApprover.Error!.Code);
        Assert.Contains("does not hold the 'approver' role", notApprover.Error.Message, StringComparison.Ordinal);

        var outsider = await b.DecideAsync(b.Outsider, id);
        Assert.Equal(ErrorCode.Forbidden, outsider.Error!.Code);
        Assert.Contains("only from group 'payments-approvers'", outsider.Error.Message, StringComparison.Ordinal);

        // A deny rule on frozen keys: approvers of the group may not approve for that key.
        var frozen = await b.KeyAsync("frozen", tags: new() { ["frozen"] = "yes" });
        var frozenBlob = await b.EncryptAsync(frozen, "7");
        var frozenId = ApprovalIdOf((await b.DecryptAsync(frozenBlob, "7")).Error);
        var byPolicy = await b.DecideAsync(b.A1, frozenId);
        Assert.Equal(ErrorCode.Forbidden, byPolicy.Error!.Code);
        Assert.Contains("no-approving-tagged-frozen", byPolicy.Error.Message, StringComparison.Ordinal);

        var keyless = b.Person("keyless", [Roles.Approver], Group, withKey: false);
        var noKey = await b.F.Approvals.DecideAsync(keyless, id, ApprovalVerdict.Approve, [1, 2, 3], null, None);
        Assert.Equal(ErrorCode.Forbidden, noKey.Error!.Code);
        Assert.Contains("has no approval key", noKey.Error.Message, StringComparison.Ordinal);

        Assert.Empty((await b.RequestAsync(id)).Decisions);
        Assert.Empty((await b.RequestAsync(frozenId)).Decisions);
    }

    [Fact]
    public async Task A_signature_by_another_key_over_another_request_or_for_another_decision_is_refused()
    {
        var (b, id, _) = await PendingDecryptAsync();
        using var _b = b;
        var other = await b.KeyAsync("other");
        var otherId = ApprovalIdOf((await b.DecryptAsync(await b.EncryptAsync(other, "1"), "1")).Error);
        var request = await b.RequestAsync(id);
        var statement = ApprovalStatement.Text(request, ApprovalVerdict.Approve);

        async Task<CustosError?> Send(byte[] signature, ApprovalVerdict verdict = ApprovalVerdict.Approve) =>
            (await b.F.Approvals.DecideAsync(Again(b.A1), id, verdict, signature, null, None)).Error;

        Assert.Equal(ErrorCode.Forbidden, (await Send(b.Sign("a2", statement)))!.Code); // a2's key, a1's credential
        Assert.Equal(ErrorCode.Forbidden, (await Send(b.Sign("a1", ApprovalStatement.Text(await b.RequestAsync(otherId), ApprovalVerdict.Approve))))!.Code);
        Assert.Equal(ErrorCode.Forbidden, (await Send(b.Sign("a1", statement), ApprovalVerdict.Deny))!.Code); // approve signature sent as a denial
        Assert.Equal(ErrorCode.Forbidden, (await Send(b.Sign("a1", statement.Replace("decrypt", "encrypt", StringComparison.Ordinal))))!.Code);
        var garbage = await Send(new byte[70]);
        Assert.Contains("the signature does not verify", garbage!.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.ValidationFailed, (await Send([]))!.Code);
        Assert.Empty((await b.RequestAsync(id)).Decisions);

        Assert.Null(await Send(b.Sign("a1", statement))); // the right one
        Assert.Equal(b.A1.PublicKey, (await b.RequestAsync(id)).Decisions.Single().PublicKey);
    }

    [Fact]
    public async Task A_certificate_principal_approves_with_its_certificates_key_ed25519_included()
    {
        var (b, id, blob) = await PendingDecryptAsync();
        using var _b = b;
        using var key = Custos.Crypto.Signing.SigningKey.Ed25519FromSeed(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var cert = new Principal("cert:ops-1", "ops-1", new HashSet<string> { Roles.Approver })
        {
            Groups = new HashSet<string> { Group }, PublicKey = key.PublicKey.ToSpki(), Request = new Custos.Core.Audit.RequestInfo("r", null),
        };
        var signature = key.Sign(ApprovalStatement.Bytes(await b.RequestAsync(id), ApprovalVerdict.Approve));

        Assert.True((await b.F.Approvals.DecideAsync(cert, id, ApprovalVerdict.Approve, signature, null, None)).IsSuccess);
        Assert.True((await b.DecideAsync(b.A1, id)).IsSuccess);
        Assert.True((await b.DecryptAsync(blob, "42")).IsSuccess);
    }

    [Fact]
    public async Task An_expired_request_takes_no_more_decisions_and_the_same_request_opens_a_new_one()
    {
        var (b, id, blob) = await PendingDecryptAsync();
        using var _b = b;
        await b.DecideAsync(b.A1, id);
        b.F.Time.Advance(TimeSpan.FromHours(24));

        var late = await b.DecideAsync(b.A2, id);
        Assert.Equal(ErrorCode.Conflict, late.Error!.Code);
        Assert.Contains("expired", late.Error.Message, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Expired, (await b.RequestAsync(id)).StatusAt(b.F.Time.GetUtcNow()));

        var again = ApprovalIdOf((await b.DecryptAsync(blob, "42")).Error);
        Assert.NotEqual(id, again);
        Assert.Equal(ApprovalStatus.Expired, (await b.RequestAsync(id)).Status);
    }

    [Fact]
    public async Task One_denial_by_an_eligible_approver_denies_the_request()
    {
        var (b, id, blob) = await PendingDecryptAsync();
        using var _b = b;
        await b.DecideAsync(b.A1, id);
        var denied = await b.DecideAsync(b.A2, id, ApprovalVerdict.Deny);
        Assert.Equal(ApprovalStatus.Denied, denied.Value.Status);
        Assert.Null(denied.Value.GrantId);

        Assert.Equal(ErrorCode.Conflict, (await b.DecideAsync(b.A3, id)).Error!.Code);
        Assert.NotEqual(id, ApprovalIdOf((await b.DecryptAsync(blob, "42")).Error));
        Assert.Equal(1, b.Events("approval.deny"));
    }

    [Fact]
    public async Task Approvers_and_officers_see_every_request_others_only_their_own()
    {
        var (b, id, _) = await PendingDecryptAsync();
        using var _b = b;
        Assert.Single((await b.F.Approvals.ListAsync(Again(b.A1), new Custos.Core.Service.ApprovalFilter(ForMe: true), None)).Value);
        Assert.Empty((await b.F.Approvals.ListAsync(Again(b.Outsider), new Custos.Core.Service.ApprovalFilter(ForMe: true), None)).Value);
        Assert.Single((await b.F.Approvals.ListAsync(Again(b.App), new Custos.Core.Service.ApprovalFilter(Mine: true), None)).Value);
        Assert.True((await b.F.Approvals.GetAsync(Again(b.App), id, None)).IsSuccess);
        var stranger = b.Person("stranger", [Roles.Reader]);
        Assert.Equal(ErrorCode.Forbidden, (await b.F.Approvals.GetAsync(stranger, id, None)).Error!.Code);
        Assert.Empty((await b.F.Approvals.ListAsync(Again(stranger), new Custos.Core.Service.ApprovalFilter(), None)).Value);
        await b.DecideAsync(b.A1, id);
        Assert.Empty((await b.F.Approvals.ListAsync(Again(b.A1), new Custos.Core.Service.ApprovalFilter(ForMe: true), None)).Value);
        Assert.Single((await b.F.Approvals.ListAsync(Again(b.A2), new Custos.Core.Service.ApprovalFilter(Status: ApprovalStatus.Pending), None)).Value);
    }
}
