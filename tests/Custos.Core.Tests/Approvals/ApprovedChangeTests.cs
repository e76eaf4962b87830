using Custos.Core.Approvals;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Service;
using static Custos.Core.Tests.Approvals.ApprovalBench;

namespace Custos.Core.Tests.Approvals;

/// <summary>Administrative operations under quorum: they run once, as the requester, when the last approval arrives.</summary>
public sealed class ApprovedChangeTests
{
    [Fact]
    public async Task Scheduling_destruction_of_a_restricted_key_runs_once_after_the_second_approval_and_its_outcome_is_on_the_request()
    {
        using var b = new ApprovalBench();
        var key = await b.KeyAsync("payroll");

        var refused = await b.F.Management.ScheduleDestructionAsync(Again(b.Admin), key.Id, 7, None);
        var id = ApprovalIdOf(refused.Error);
        var request = await b.RequestAsync(id);
        Assert.Equal("key.schedule-destruction {\"pendingDays\":7}", request.Parameters);
        Assert.Null(request.ContextSha256);
        // Another waiting period is another request.
        Assert.NotEqual(id, ApprovalIdOf((await b.F.Management.ScheduleDestructionAsync(Again(b.Admin), key.Id, 8, None)).Error));

        await b.DecideAsync(b.A1, id);
        Assert.Equal(KeyState.Enabled, (await b.F.Keys.GetAsync(key.Id, None))!.State);
        var done = await b.DecideAsync(b.A2, id);

        Assert.Equal(ApprovalStatus.Executed, done.Value.Status);
        Assert.StartsWith($"ran as {b.Admin.Id}: key {key.Id} is pending-destruction", done.Value.Outcome, StringComparison.Ordinal);
        var after = (await b.F.Keys.GetAsync(key.Id, None))!;
        Assert.Equal(KeyState.PendingDestruction, after.State);
        Assert.Equal(b.F.Time.GetUtcNow().AddDays(7).Date, after.DestructionDate!.Value.Date);
        var ran = b.F.Audit.Events.Single(e => e.Operation == "key.schedule-destruction" && e.Outcome == Custos.Core.Audit.AuditOutcome.Allowed);
        Assert.Equal(b.Admin.Id, ran.Principal);
        Assert.Equal(1, b.Events("approval.execute"));

        // It ran once: after cancelling, the same request needs approvals again.
        Assert.True((await b.F.Management.CancelDestructionAsync(b.F.Root, key.Id, None)).IsSuccess);
        var again = await b.F.Management.ScheduleDestructionAsync(Again(b.Admin), key.Id, 7, None);
        Assert.NotEqual(id, ApprovalIdOf(again.Error));
    }

    [Fact]
    public async Task Creating_a_secret_key_runs_the_exact_command_that_was_approved()
    {
        using var b = new ApprovalBench();
        var command = new CreateKeyCommand("vault", KeyCustody.Software, KeyPurpose.EncryptDecrypt, KeySpec.Aes256Gcm, new KeyAttributes
        {
            Classification = Classification.Secret, Owner = "treasury", Description = "line one\nline two",
            DataCategories = ["payments"], Tags = new Dictionary<string, string> { ["team"] = "t", ["cost"] = "c" },
        });
        var id = ApprovalIdOf((await b.F.Management.CreateAsync(Again(b.Admin), command, None)).Error);
        var request = await b.RequestAsync(id);
        Assert.Null(request.KeyId);
        Assert.StartsWith("key.create {", request.Parameters, StringComparison.Ordinal);
        Assert.Contains("\"cost\":\"c\",\"team\":\"t\"", request.Parameters, StringComparison.Ordinal); // tags in canonical order
        Assert.DoesNotContain("\n", ApprovalStatement.Text(request, ApprovalVerdict.Approve).TrimEnd('\n').Split('\n').Single(l => l.StartsWith("parameters ", StringComparison.Ordinal)), StringComparison.Ordinal);

        var done = await b.DecideAsync(b.Outsider, id); // any approver: the rule names no group
        Assert.Equal(ApprovalStatus.Executed, done.Value.Status);
        var created = (await b.F.Keys.GetByAliasAsync("vault", None))!;
        Assert.Equal((Classification.Secret, "treasury", "line one\nline two", "t"),
            (created.Attributes.Classification, created.Attributes.Owner, created.Attributes.Description, created.Attributes.Tags["team"]));
        Assert.Contains(created.Id, done.Value.Outcome, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_approved_edit_passes_both_of_its_checks_once()
    {
        using var b = new ApprovalBench();
        var key = await b.KeyAsync("payroll");
        var update = new KeyUpdate { Description = "closed books", Tags = new Dictionary<string, string> { ["year"] = "2026" } };
        var id = ApprovalIdOf((await b.F.Management.UpdateAsync(Again(b.Admin), key.Id, update, None)).Error);
        Assert.Equal("key.update {\"description\":\"closed books\",\"tags\":{\"year\":\"2026\"}}", (await b.RequestAsync(id)).Parameters);
        await b.DecideAsync(b.A1, id);
        var done = await b.DecideAsync(b.A3, id);

        Assert.Equal(ApprovalStatus.Executed, done.Value.Status);
        Assert.Equal("closed books", (await b.F.Keys.GetAsync(key.Id, None))!.Attributes.Description);
        Assert.Single(await b.F.ApprovalStore.ListAsync(null, 100, None)); // the check after the change did not open another request
    }

    [Fact]
    public async Task An_approved_change_that_fails_when_it_runs_says_so_on_the_request()
    {
        using var b = new ApprovalBench();
        var key = await b.KeyAsync("payroll");
        var id = ApprovalIdOf((await b.F.Management.DisableAsync(Again(b.Admin), key.Id, None)).Error);
        await b.F.Management.ScheduleDestructionAsync(b.F.Root, key.Id, 7, None); // meanwhile: disabling is no longer possible
        await b.DecideAsync(b.A1, id);
        var done = await b.DecideAsync(b.A2, id);

        Assert.Equal(ApprovalStatus.Executed, done.Value.Status);
        Assert.StartsWith("ran and failed: invalid-key-state", done.Value.Outcome, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_approved_change_does_not_run_for_a_requester_whose_token_was_revoked()
    {
        using var b = new ApprovalBench();
        var key = await b.KeyAsync("payroll");
        var id = ApprovalIdOf((await b.F.Management.DisableAsync(Again(b.Admin), key.Id, None)).Error);
        await b.F.Tokens.RevokeAsync(b.Admin.Id["token:".Length..], None);
        await b.DecideAsync(b.A1, id);
        var done = await b.DecideAsync(b.A2, id);

        Assert.Equal(ApprovalStatus.Approved, done.Value.Status);
        Assert.StartsWith("not run: the requester's token", done.Value.Outcome, StringComparison.Ordinal);
        Assert.Equal(KeyState.Enabled, (await b.F.Keys.GetAsync(key.Id, None))!.State);
    }
}
