using System.Net;
using System.Text.Json;
using Custos.Crypto.Signing;
using Custos.Server.Tests.Api.Rest.Policy;

namespace Custos.Server.Tests.Api.Rest.Approvals;

/// <summary>Quorum approvals over HTTP, end to end on a real server: the issue's "Done when" cases.</summary>
public sealed class ApprovalFlowTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private ApprovalServer _s = null!;

    public async ValueTask InitializeAsync() => _s = await ApprovalServer.StartAsync();

    public async ValueTask DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public async Task A_decrypt_needing_2_of_3_is_refused_before_served_after_two_approvals_and_within_the_grant_and_refused_when_the_grant_is_spent()
    {
        var key = await _s.RestrictedKeyAsync("payroll");
        var blob = await _s.EncryptAsync(key, "42");

        var id = await ApprovalServer.ApprovalIdAsync(await _s.DecryptAsync(blob, "42"));
        var pending = await _s.GetAsync(id);
        Assert.Equal(("pending", "decrypt", key, _s.Ids["app"], 2, ApprovalServer.Group),
            (pending.GetProperty("status").GetString(), pending.GetProperty("operation").GetString(), pending.GetProperty("keyId").GetString(),
             pending.GetProperty("requester").GetString(), pending.GetProperty("required").GetInt32(), pending.GetProperty("group").GetString()));

        var first = await PolicyTestHelpers.OkAsync(await _s.DecideAsync("a1", id));
        Assert.Equal(("pending", 1), (first.GetProperty("status").GetString(), first.GetProperty("approvals").GetInt32()));
        Assert.Equal(id, await ApprovalServer.ApprovalIdAsync(await _s.DecryptAsync(blob, "42")));
        var second = await PolicyTestHelpers.OkAsync(await _s.DecideAsync("a3", id));
        Assert.Equal("approved", second.GetProperty("status").GetString());
        var grantId = second.GetProperty("grantId").GetString()!;

        for (int use = 0; use < 2; use++)
        {
            var served = await PolicyTestHelpers.OkAsync(await _s.DecryptAsync(blob, "42"));
            Assert.Equal("salary"u8.ToArray(), served.GetProperty("plaintext").GetBytesFromBase64());
        }
        var spent = await ApprovalServer.ApprovalIdAsync(await _s.DecryptAsync(blob, "42"));
        Assert.NotEqual(id, spent);

        var grants = await PolicyTestHelpers.OkAsync(await _s["officer"].GetAsync("/v1/grants", Ct));
        var grant = grants.GetProperty("grants").EnumerateArray().Single();
        Assert.Equal((grantId, "used-up", 0), (grant.GetProperty("id").GetString(), grant.GetProperty("state").GetString(), grant.GetProperty("usesLeft").GetInt32()));

        Assert.Equal(2, (await PolicyTestHelpers.EventsAsync(_s.Server.Root, "approval.approve")).Count);
        Assert.Single(await PolicyTestHelpers.EventsAsync(_s.Server.Root, "grant.create"));
        var uses = await PolicyTestHelpers.EventsAsync(_s.Server.Root, "grant.use");
        Assert.Equal(2, uses.Count);
        Assert.All(uses, e => Assert.Equal(grantId, e.GetProperty("approval").GetString()));
        Assert.Equal(2, (await PolicyTestHelpers.EventsAsync(_s.Server.Root, "approval.request")).Count);
    }

    [Fact]
    public async Task The_statement_served_is_exactly_what_is_verified()
    {
        var key = await _s.RestrictedKeyAsync("payroll");
        var id = await ApprovalServer.ApprovalIdAsync(await _s.DecryptAsync(await _s.EncryptAsync(key, "42"), "42"));
        var statement = (await _s.GetAsync(id)).GetProperty("approveStatement").GetString()!;
        Assert.StartsWith($"custos-approval/v1\nrequest {id}\noperation decrypt\nkey {key}\ncontext-sha256 ", statement, StringComparison.Ordinal);
        Assert.EndsWith("\ndecision approve\n", statement, StringComparison.Ordinal);

        var tampered = await _s.DecideAsync("a1", id, tamper: t => t.Replace("decision approve", "decision  approve", StringComparison.Ordinal));
        Assert.Contains("the signature does not verify", await PolicyTestHelpers.ProblemAsync(tampered, HttpStatusCode.Forbidden), StringComparison.Ordinal);
        var otherKey = await _s.DecideAsync("a1", id, signer: "a2");
        await PolicyTestHelpers.ProblemAsync(otherKey, HttpStatusCode.Forbidden);
        var denyAsApprove = await PolicyTestHelpers.PostAsync(_s["a1"], $"/v1/approvals/{id}/approve",
            new { signature = Convert.ToBase64String(_s.Sign("a1", (await _s.GetAsync(id)).GetProperty("denyStatement").GetString()!)) });
        await PolicyTestHelpers.ProblemAsync(denyAsApprove, HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.OK, (await _s.DecideAsync("a1", id)).StatusCode);
        var decision = (await _s.GetAsync(id, "a2")).GetProperty("decisions").EnumerateArray().Single();
        Assert.Equal((_s.Ids["a1"], "approve", "checked"), (decision.GetProperty("approver").GetString(), decision.GetProperty("decision").GetString(), decision.GetProperty("reason").GetString()));
        // Anyone holding the approver's public key can check the stored signature against the statement again.
        Assert.Equal(_s.PublicKey("a1").Fingerprint, decision.GetProperty("publicKeySha256").GetString());
        Assert.True(_s.PublicKey("a1").Verify(System.Text.Encoding.UTF8.GetBytes(statement), decision.GetProperty("signature").GetBytesFromBase64()));
        Assert.Equal(HttpStatusCode.Conflict, (await _s.DecideAsync("a1", id)).StatusCode); // one approver counts once
    }

    [Fact]
    public async Task Bad_input_and_ineligible_approvers_get_clear_4xx_answers_and_change_nothing()
    {
        var key = await _s.RestrictedKeyAsync("payroll");
        var id = await ApprovalServer.ApprovalIdAsync(await _s.DecryptAsync(await _s.EncryptAsync(key, "42"), "42"));

        Assert.Contains("does not hold the 'approver' role", await PolicyTestHelpers.ProblemAsync(await _s.DecideAsync("user-with-key", id), HttpStatusCode.Forbidden), StringComparison.Ordinal);
        Assert.Contains("only from group", await PolicyTestHelpers.ProblemAsync(await _s.DecideAsync("outsider", id), HttpStatusCode.Forbidden), StringComparison.Ordinal);
        var keyless = await PolicyTestHelpers.PostAsync(_s["keyless"], $"/v1/approvals/{id}/approve", new { signature = "MEUCIQ==" });
        Assert.Contains("has no approval key", await PolicyTestHelpers.ProblemAsync(keyless, HttpStatusCode.Forbidden), StringComparison.Ordinal);
        await PolicyTestHelpers.ProblemAsync(await PolicyTestHelpers.PostAsync(_s["a1"], $"/v1/approvals/{id}/approve", new { signature = "not base64!" }), HttpStatusCode.BadRequest);
        await PolicyTestHelpers.ProblemAsync(await PolicyTestHelpers.PostAsync(_s["a1"], $"/v1/approvals/{id}/approve", new { }), HttpStatusCode.BadRequest);
        await PolicyTestHelpers.ProblemAsync(await PolicyTestHelpers.PostAsync(_s["a1"], $"/v1/approvals/{id}/approve", new { signature = "MEUCIQ==", extra = 1 }), HttpStatusCode.BadRequest);
        await PolicyTestHelpers.ProblemAsync(await PolicyTestHelpers.PostAsync(_s["a1"], "/v1/approvals/apr_000000000000000000000000/approve", new { signature = "MEUCIQ==" }), HttpStatusCode.NotFound);
        await PolicyTestHelpers.ProblemAsync(await PolicyTestHelpers.PostAsync(_s["a1"], "/v1/approvals/nonsense/deny", new { signature = "MEUCIQ==" }), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.BadRequest, (await _s["a1"].GetAsync("/v1/approvals?status=maybe", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _s["user-with-key"].GetAsync($"/v1/approvals/{id}", Ct)).StatusCode);

        Assert.Empty((await _s.GetAsync(id)).GetProperty("decisions").EnumerateArray());
        var forMe = await PolicyTestHelpers.OkAsync(await _s["a2"].GetAsync("/v1/approvals?for-me=true", Ct));
        Assert.Equal(id, forMe.GetProperty("approvals").EnumerateArray().Single().GetProperty("id").GetString());
        var mine = await PolicyTestHelpers.OkAsync(await _s["app"].GetAsync("/v1/approvals?mine=true&status=pending", Ct));
        Assert.Single(mine.GetProperty("approvals").EnumerateArray());
    }

    [Fact]
    public async Task Scheduling_destruction_of_a_restricted_key_runs_once_after_the_second_approval_with_its_outcome_on_the_request()
    {
        var key = await _s.RestrictedKeyAsync("payroll");
        var refused = await PolicyTestHelpers.PostAsync(_s["admin"], $"/v1/keys/{key}/schedule-destruction", new { pendingDays = 7 });
        var id = await ApprovalServer.ApprovalIdAsync(refused);
        Assert.Equal("key.schedule-destruction {\"pendingDays\":7}", (await _s.GetAsync(id)).GetProperty("parameters").GetString());

        await PolicyTestHelpers.OkAsync(await _s.DecideAsync("a1", id));
        var done = await PolicyTestHelpers.OkAsync(await _s.DecideAsync("a2", id));

        Assert.Equal("executed", done.GetProperty("status").GetString());
        Assert.StartsWith($"ran as {_s.Ids["admin"]}: key {key} is pending-destruction", done.GetProperty("outcome").GetString(), StringComparison.Ordinal);
        var after = await PolicyTestHelpers.OkAsync(await _s.Server.Root.GetAsync($"/v1/keys/{key}", Ct));
        Assert.Equal("pending-destruction", after.GetProperty("state").GetString());
        var ran = (await PolicyTestHelpers.EventsAsync(_s.Server.Root, "key.schedule-destruction")).Where(e => e.GetProperty("outcome").GetString() == "allowed").ToList();
        Assert.Equal(_s.Ids["admin"], Assert.Single(ran).GetProperty("principal").GetString());
        Assert.Single(await PolicyTestHelpers.EventsAsync(_s.Server.Root, "approval.execute"));
        Assert.Equal(HttpStatusCode.Conflict, (await _s.DecideAsync("a3", id)).StatusCode);
    }

    [Fact]
    public async Task A_revoked_grant_serves_no_more_and_only_an_approver_of_it_or_an_officer_may_revoke_it()
    {
        var key = await _s.RestrictedKeyAsync("payroll");
        var blob = await _s.EncryptAsync(key, "42");
        var id = await ApprovalServer.ApprovalIdAsync(await _s.DecryptAsync(blob, "42"));
        await _s.DecideAsync("a1", id);
        var grantId = (await PolicyTestHelpers.OkAsync(await _s.DecideAsync("a2", id))).GetProperty("grantId").GetString()!;

        Assert.Equal(HttpStatusCode.Forbidden, (await PolicyTestHelpers.PostAsync(_s["app"], $"/v1/grants/{grantId}/revoke", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PolicyTestHelpers.PostAsync(_s["a3"], $"/v1/grants/{grantId}/revoke", null)).StatusCode);
        var mine = await PolicyTestHelpers.OkAsync(await _s["app"].GetAsync("/v1/grants", Ct));
        Assert.Equal(grantId, mine.GetProperty("grants")[0].GetProperty("id").GetString());
        var revoked = await PolicyTestHelpers.OkAsync(await PolicyTestHelpers.PostAsync(_s["a1"], $"/v1/grants/{grantId}/revoke", null));
        Assert.Equal(("revoked", _s.Ids["a1"]), (revoked.GetProperty("state").GetString(), revoked.GetProperty("revokedBy").GetString()));

        Assert.NotEqual(id, await ApprovalServer.ApprovalIdAsync(await _s.DecryptAsync(blob, "42")));
        Assert.Single(await PolicyTestHelpers.EventsAsync(_s.Server.Root, "grant.revoke"), e => e.GetProperty("outcome").GetString() == "allowed");
        Assert.Equal(HttpStatusCode.NotFound, (await PolicyTestHelpers.PostAsync(_s["officer"], "/v1/grants/grt_000000000000000000000000/revoke", null)).StatusCode);
    }

    [Fact]
    public async Task A_token_takes_a_public_approval_key_only()
    {
        using var key = SigningKey.GenerateEcdsaP256();
        var made = await PolicyTestHelpers.OkAsync(await PolicyTestHelpers.PostAsync(_s.Server.Root, "/v1/tokens",
            new { name = "signer", roles = new[] { "approver" }, approvalKey = key.PublicKey.ToPem() }), HttpStatusCode.Created);
        Assert.Equal(key.PublicKey.Fingerprint, made.GetProperty("approvalKeySha256").GetString());

        var leaked = await PolicyTestHelpers.PostAsync(_s.Server.Root, "/v1/tokens", new { name = "oops", roles = new[] { "approver" }, approvalKey = key.ExportPrivateKeyPem() });
        Assert.Contains("PRIVATE key", await PolicyTestHelpers.ProblemAsync(leaked, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        var garbage = await PolicyTestHelpers.PostAsync(_s.Server.Root, "/v1/tokens", new { name = "bad", roles = new[] { "approver" }, approvalKey = "hello" });
        await PolicyTestHelpers.ProblemAsync(garbage, HttpStatusCode.BadRequest);
        var tokens = await PolicyTestHelpers.OkAsync(await _s.Server.Root.GetAsync("/v1/tokens", Ct));
        Assert.DoesNotContain(tokens.GetProperty("tokens").EnumerateArray(), t => t.GetProperty("name").GetString() is "oops" or "bad");
    }

    [Fact]
    public void The_request_ttl_is_configurable_within_bounds()
    {
        var options = new Custos.Server.Hosting.ServerOptions { DataDir = "/tmp/x", Tls = new() { CertFile = "c", KeyFile = "k" } };
        Assert.Null(options.Validate());
        options.Approvals.RequestTtlMinutes = 4;
        Assert.Contains("approvals.requestTtlMinutes", options.Validate(), StringComparison.Ordinal);
    }
}
