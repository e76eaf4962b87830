using System.Net;
using Custos.Core.Threshold;
using Custos.Keystores.Tests.Threshold;
using Custos.Server.Tests.Api.Rest.Policy;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Server.Tests.Api.Rest.Approvals;

/// <summary>
/// Threshold keys under the approval server's policy. Resharing a restricted threshold key (resharing restricted keys needs 2 approvals from
/// the approver group): refused until approved, then run once as the requester, with the material replaced and data wrapped
/// before still decrypting; a decrypt served by a grant forwards the grant's signed approvals to the custodians.
/// </summary>
public sealed class ThresholdApprovalTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly InProcessCustodians _custodians = InProcessCustodians.ThreeInEurope();
    private ApprovalServer _s = null!;

    public async ValueTask InitializeAsync() =>
        _s = await ApprovalServer.StartAsync(services: s => s.AddSingleton<IThresholdCustodians>(_custodians));

    public async ValueTask DisposeAsync()
    {
        await _s.DisposeAsync();
        _custodians.Dispose();
    }

    [Fact]
    public async Task Resharing_a_restricted_threshold_key_runs_once_after_two_approvals_and_old_data_still_decrypts()
    {
        var created = await PolicyTestHelpers.OkAsync(await PolicyTestHelpers.PostAsync(_s.Server.Root, "/v1/keys",
            new { alias = "vault", classification = "restricted", custody = "threshold", threshold = new { k = 2, custodians = new[] { "a", "b", "c" } } }),
            HttpStatusCode.Created);
        var key = created.GetProperty("id").GetString()!;
        var before = created.GetProperty("versions")[0].GetProperty("threshold").GetProperty("groupFingerprint").GetString();
        var dataKey = await PolicyTestHelpers.OkAsync(await PolicyTestHelpers.PostAsync(_s.Server.Root, $"/v1/keys/{key}/generate-data-key", new { }));

        var refused = await PolicyTestHelpers.PostAsync(_s["admin"], $"/v1/keys/{key}/versions/1/reshare", new { k = 3 });
        var id = await ApprovalServer.ApprovalIdAsync(refused);
        Assert.Equal("key.reshare {\"version\":1,\"threshold\":{\"k\":3,\"custodians\":[\"a\",\"b\",\"c\"],\"minJurisdictions\":1}}",
            (await _s.GetAsync(id)).GetProperty("parameters").GetString());
        Assert.Equal(0, _custodians.ReshareCalls);

        await PolicyTestHelpers.OkAsync(await _s.DecideAsync("a1", id));
        var done = await PolicyTestHelpers.OkAsync(await _s.DecideAsync("a2", id));

        Assert.Equal("executed", done.GetProperty("status").GetString());
        Assert.Equal(1, _custodians.ReshareCalls);
        var after = await PolicyTestHelpers.OkAsync(await _s.Server.Root.GetAsync($"/v1/keys/{key}", Ct));
        var threshold = after.GetProperty("versions")[0].GetProperty("threshold");
        Assert.Equal(3, threshold.GetProperty("k").GetInt32());
        Assert.NotEqual(before, threshold.GetProperty("groupFingerprint").GetString());
        var decrypted = await PolicyTestHelpers.OkAsync(await PolicyTestHelpers.PostAsync(_s.Server.Root, "/v1/decrypt",
            new { ciphertextBlob = dataKey.GetProperty("ciphertextBlob").GetString() }));
        Assert.Equal(dataKey.GetProperty("plaintext").GetString(), decrypted.GetProperty("plaintext").GetString());
        var reshares = (await PolicyTestHelpers.EventsAsync(_s.Server.Root, "key.reshare")).Where(e => e.GetProperty("outcome").GetString() == "allowed").ToList();
        Assert.Equal(_s.Ids["admin"], Assert.Single(reshares).GetProperty("principal").GetString());
    }

    [Fact]
    public async Task A_decrypt_served_by_a_grant_forwards_the_signed_approvals_to_the_custodians()
    {
        var created = await PolicyTestHelpers.OkAsync(await PolicyTestHelpers.PostAsync(_s.Server.Root, "/v1/keys",
            new { alias = "payroll", classification = "restricted", custody = "threshold", threshold = new { k = 2, custodians = new[] { "a", "b", "c" } } }),
            HttpStatusCode.Created);
        var key = created.GetProperty("id").GetString()!;
        var blob = (await PolicyTestHelpers.OkAsync(await PolicyTestHelpers.PostAsync(_s.Server.Root, $"/v1/keys/{key}/generate-data-key",
            new { encryptionContext = new { order = "42" } }))).GetProperty("ciphertextBlob").GetBytesFromBase64();
        var id = await ApprovalServer.ApprovalIdAsync(await _s.DecryptAsync(blob, "42"));
        await PolicyTestHelpers.OkAsync(await _s.DecideAsync("a1", id));
        await PolicyTestHelpers.OkAsync(await _s.DecideAsync("a3", id));

        await PolicyTestHelpers.OkAsync(await _s.DecryptAsync(blob, "42"));

        var request = _custodians.LastRequest!;
        Assert.Equal(_s.Ids["app"], request.Principal);
        var approvals = request.Approvals!;
        Assert.Equal(new[] { _s.Ids["a1"], _s.Ids["a3"] }.Order(), approvals.Select(a => a.Approver).Order());
        Assert.All(approvals, a =>
        {
            Assert.Equal("ecdsa-p256-sha256", a.Algorithm);
            Assert.True(_s.PublicKey(a.Approver == _s.Ids["a1"] ? "a1" : "a3").Verify(a.Statement, a.Signature));
        });
    }
}
