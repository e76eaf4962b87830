using System.Net;
using Custos.Core.Threshold;
using Custos.Keystores.Tests.Threshold;
using Custos.Server.Tests.Api.Rest.Policy;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Server.Tests.Api.Rest.Approvals;

/// <summary>
/// Resharing a restricted threshold key under the approval server's policy (resharing restricted keys needs 2 approvals from
/// the approver group): refused until approved, then run once as the requester, with the material replaced and data wrapped
/// before still decrypting.
/// </summary>
public sealed class ThresholdReshareApprovalTests : IAsyncLifetime
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
}
