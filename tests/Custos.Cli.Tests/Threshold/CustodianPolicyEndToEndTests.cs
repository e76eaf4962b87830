using System.Security.Cryptography;
using System.Text;
using Custos.Cli.Tests.Infrastructure;
using Custos.Core.Threshold;
using Custos.Crypto.Signing;
using Custos.Crypto.Threshold;

namespace Custos.Cli.Tests.Threshold;

/// <summary>
/// Two custodians with policies of their own, trusting two Custos servers: custos-eu (declared in DE) and custos-us
/// (declared in US). custodian-p requires a justification and signed approvals from 2 of alice, bob and carol;
/// custodian-q accepts only servers within the EU. A 2-of-2 key across them unwraps only when both agree.
/// </summary>
public sealed class CustodianPolicyEndToEndTests(CustodianPolicyEndToEndTests.Cluster cluster) : IClassFixture<CustodianPolicyEndToEndTests.Cluster>
{
    private static readonly byte[] Context = [];

    /// <summary>The two custodians and the approvers' keys.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        private const string Servers = """
            [ { "name": "custos-eu", "subject": "CN=custos-eu", "location": { "country": "DE", "operator": "op-eu", "compellableBy": ["DE"] } },
              { "name": "custos-us", "subject": "CN=custos-us", "location": { "country": "US", "operator": "op-us", "compellableBy": ["US"] } } ]
            """;

        public TempDir Root { get; } = new();
        public TestPki Pki { get; private set; } = null!;
        public Dictionary<string, SigningKey> Approvers { get; } = [];
        public CustodianNode P { get; private set; } = null!;
        public CustodianNode Q { get; private set; } = null!;
        public ThresholdMaterial Material { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Pki = new TestPki(Root.File("pki"));
            var approvers = new List<string>();
            foreach (var name in new[] { "user:alice", "user:bob", "user:carol" })
            {
                var key = SigningKey.GenerateEcdsaP256();
                Approvers[name] = key;
                var file = Root.File(name.Replace(':', '-') + ".pub");
                File.WriteAllText(file, key.PublicKey.ToPem());
                approvers.Add($$"""{ "name": "{{name}}", "publicKeyFile": "{{file}}" }""");
            }
            P = new CustodianNode(Root.Path, "custodian-p", Pki, "DE", Servers,
                $$"""{ "requireJustification": true, "approvals": { "quorum": 2, "approvers": [ {{string.Join(", ", approvers)}} ] } }""");
            Q = new CustodianNode(Root.Path, "custodian-q", Pki, "FR", Servers, """{ "acceptServerJurisdictions": ["EU"], "rateLimit": { "perSecond": 1000, "burst": 1000 } }""");
            await CustodianCluster.StartAsync([P, Q]);
            using var custodians = Custodians("custos-eu");
            Material = await custodians.GenerateAsync("key-policy", 1, new ThresholdSpec(2, ["custodian-p", "custodian-q"], 1), CancellationToken.None);
        }

        public Custos.Threshold.HttpThresholdCustodians Custodians(string client)
        {
            var (cert, key) = Pki.Client(client);
            return new(new ThresholdOptions
            {
                CaFile = Pki.CaFile, ClientCertFile = cert, ClientKeyFile = key,
                Custodians = [P.Endpoint(), Q.Endpoint()],
            });
        }

        public ValueTask DisposeAsync()
        {
            P.Dispose();
            Q.Dispose();
            foreach (var key in Approvers.Values) key.Dispose();
            Root.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private ThresholdApproval Approval(string approver, string keyId = "key-policy", string decision = "approve", DateTimeOffset? expires = null)
    {
        var statement = Encoding.UTF8.GetBytes(
            $"custos-approval/v1\nrequest apr_test\noperation decrypt\nkey {keyId}\ncontext-sha256 -\nparameters -\nrequester token:tok_app\npolicy 1/two-person\n" +
            $"expires {(expires ?? DateTimeOffset.UtcNow.AddHours(1)).UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\ndecision {decision}\n");
        return new ThresholdApproval(approver, "ecdsa-p256-sha256", statement, cluster.Approvers[approver].Sign(statement));
    }

    private async Task<ThresholdUnwrapOutcome> UnwrapAsync(string client, string? justification, params ThresholdApproval[] approvals)
    {
        var dek = RandomNumberGenerator.GetBytes(32);
        var blob = ThresholdWrappedKey.Wrap(cluster.Material.Group.PublicKey, dek, "key-policy"u8, 1, Context).Encode();
        using var custodians = cluster.Custodians(client);
        var outcome = await custodians.UnwrapAsync(cluster.Material, "key-policy", 1, blob, Context,
            new ThresholdRequest("req-policy", "token:tok_app", justification, approvals), TestContext.Current.CancellationToken);
        if (outcome.DataKey is { } key) Assert.Equal(dek, key.Reveal().ToArray());
        return outcome;
    }

    private static CustodianFault Refusal(ThresholdUnwrapOutcome outcome, string custodian)
    {
        Assert.Equal(ThresholdUnwrapFailure.QuorumNotMet, outcome.Failure);
        var fault = Assert.Single(outcome.Faults, f => f.Custodian == custodian);
        Assert.Equal(CustodianFaultKind.Refused, fault.Kind);
        return fault;
    }

    [Fact]
    public async Task A_custodian_requiring_a_justification_refuses_a_request_without_one()
    {
        using var outcome = await UnwrapAsync("custos-eu", null, Approval("user:alice"), Approval("user:bob"));
        Assert.Contains("requires a justification", Refusal(outcome, "custodian-p").Detail, StringComparison.Ordinal);
        Assert.Equal("2 of 2 custodians needed, 1 answered", outcome.Message);
    }

    [Fact]
    public async Task A_custodian_requiring_two_approvals_refuses_without_them_and_with_invalid_ones_and_answers_with_two_valid_statements()
    {
        using (var none = await UnwrapAsync("custos-eu", "incident-response; INC-1"))
            Assert.Contains("needs approvals from 2 of its approvers, 0 valid", Refusal(none, "custodian-p").Detail, StringComparison.Ordinal);
        using (var weak = await UnwrapAsync("custos-eu", "incident-response; INC-1", Approval("user:alice"), Approval("user:alice"),
            Approval("user:bob", keyId: "another-key"), Approval("user:carol", expires: DateTimeOffset.UtcNow.AddMinutes(-1)), Approval("user:carol", decision: "deny")))
        {
            var detail = Refusal(weak, "custodian-p").Detail;
            Assert.Contains("1 valid", detail, StringComparison.Ordinal);
            Assert.Contains("another key", detail, StringComparison.Ordinal);
            Assert.Contains("expired", detail, StringComparison.Ordinal);
        }
        var forged = Approval("user:bob");
        forged = forged with { Signature = cluster.Approvers["user:carol"].Sign(forged.Statement) };
        using (var bad = await UnwrapAsync("custos-eu", "incident-response; INC-1", Approval("user:alice"), forged))
            Assert.Contains("does not verify", Refusal(bad, "custodian-p").Detail, StringComparison.Ordinal);

        using var ok = await UnwrapAsync("custos-eu", "incident-response; INC-1", Approval("user:alice"), Approval("user:carol"));
        Assert.Equal(ThresholdUnwrapFailure.None, ok.Failure);
        Assert.Empty(ok.Faults);
    }

    [Fact]
    public async Task A_custodian_accepting_only_EU_servers_refuses_a_server_declared_in_the_US()
    {
        using var outcome = await UnwrapAsync("custos-us", "incident-response; INC-1", Approval("user:alice"), Approval("user:bob"));
        var detail = Refusal(outcome, "custodian-q").Detail;
        Assert.Contains("declared in US", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(outcome.Faults, f => f.Custodian == "custodian-p"); // p judges by its own policy and answered
    }
}
