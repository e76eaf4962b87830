using System.Net;
using System.Text.Json;
using Custos.Server.Tests.Support;

namespace Custos.Server.Tests.Api.Rest.Policy;

/// <summary>
/// The test matrix: principals (one token per built-in role) × operations × keys, under the
/// default policy and under a policy with key selectors. Each allowed case works; each other is refused
/// with 403 and a reason naming the rule; both leave an audit event with the deciding rule.
/// </summary>
public sealed class AccessMatrixTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private TestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync(auditLog: true, Ct);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private async Task<HttpClient> ClientAsync(string name, params string[] roles) =>
        _server.NewClient((await PolicyTestHelpers.CreateTokenAsync(_server.Root, name, roles)).Secret);

    [Fact]
    public async Task Each_role_may_do_its_duty_and_nothing_else_under_the_default_policy()
    {
        var keyId = await PolicyTestHelpers.CreateKeyAsync(_server.Root, "matrix", "confidential");
        var blob = await PolicyTestHelpers.EncryptAsync(_server.Root, keyId);
        var clients = new Dictionary<string, HttpClient>
        {
            ["security-officer"] = await ClientAsync("so", "security-officer"),
            ["key-admin"] = await ClientAsync("admin", "key-admin"),
            ["key-user"] = await ClientAsync("app", "key-user"),
            ["approver"] = await ClientAsync("approver", "approver"),
            ["auditor"] = await ClientAsync("auditor", "auditor"),
            ["reader"] = await ClientAsync("reader", "reader"),
        };
        // operation -> the roles that may do it under the default policy
        var matrix = new (string Operation, Func<HttpClient, Task<HttpResponseMessage>> Send, string[] Allowed)[]
        {
            ("create", c => PolicyTestHelpers.PostAsync(c, "/v1/keys", new { }), ["key-admin"]),
            ("read", c => c.GetAsync($"/v1/keys/{keyId}", Ct), ["security-officer", "key-admin", "key-user", "approver", "auditor", "reader"]),
            ("rotate", c => PolicyTestHelpers.PostAsync(c, $"/v1/keys/{keyId}/rotate", null), ["key-admin"]),
            ("encrypt", c => PolicyTestHelpers.PostAsync(c, $"/v1/keys/{keyId}/encrypt", new { plaintext = "aGVsbG8=" }), ["key-user"]),
            ("decrypt", c => PolicyTestHelpers.PostAsync(c, "/v1/decrypt", new { ciphertextBlob = Convert.ToBase64String(blob) }), ["key-user"]),
            ("read-audit", c => c.GetAsync("/v1/audit/checkpoint", Ct), ["security-officer", "auditor"]),
            ("administer", c => c.GetAsync("/v1/tokens", Ct), ["security-officer"]),
        };
        foreach (var (operation, send, allowed) in matrix)
        {
            foreach (var (role, client) in clients)
            {
                using var response = await send(client);
                var body = await response.Content.ReadAsStringAsync(Ct);
                if (allowed.Contains(role))
                {
                    Assert.True(response.IsSuccessStatusCode, $"{role} should be allowed to {operation}: {(int)response.StatusCode} {body}");
                }
                else
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{role} should be refused {operation}: {(int)response.StatusCode} {body}");
                    var problem = JsonDocument.Parse(body).RootElement;
                    Assert.Equal("urn:custos:problem:forbidden", problem.GetProperty("type").GetString());
                    Assert.Contains("no rule allows", problem.GetProperty("detail").GetString());
                }
            }
        }
        foreach (var client in clients.Values) client.Dispose();

        // Both outcomes are in the audit log, with the rule that decided them.
        var events = await PolicyTestHelpers.EventsAsync(_server.Root, "data.decrypt");
        Assert.Contains(events, e => e.GetProperty("outcome").GetString() == "allowed" && e.GetProperty("policy").GetString() == "0/key-users-use");
        Assert.Contains(events, e => e.GetProperty("outcome").GetString() == "denied" && e.GetProperty("errorCode").GetString() == "forbidden"
            && e.GetProperty("policy").GetString() == "0/default-deny");
        var creates = await PolicyTestHelpers.EventsAsync(_server.Root, "key.create");
        Assert.Equal(2, creates.Count(e => e.GetProperty("outcome").GetString() == "allowed")); // root's and the key admin's
        Assert.Equal(5, creates.Count(e => e.GetProperty("outcome").GetString() == "denied"));
    }

    [Fact]
    public async Task Rules_select_keys_by_alias_tag_and_classification_and_a_deny_rule_wins()
    {
        var payments = await PolicyTestHelpers.CreateKeyAsync(_server.Root, "payments-eu", "restricted", tags: new { team = "payments" });
        var hr = await PolicyTestHelpers.CreateKeyAsync(_server.Root, "hr-records", "confidential", tags: new { team = "hr" });
        var secret = await PolicyTestHelpers.CreateKeyAsync(_server.Root, "payments-master", "secret", tags: new { team = "payments" });
        var (appId, appSecret) = await PolicyTestHelpers.CreateTokenAsync(_server.Root, "payments-app", ["key-user"], groups: ["payments"]);
        await PolicyTestHelpers.ActivateAsync(_server, new
        {
            rules = new object[]
            {
                new { id = "root", roles = new[] { "root" }, operations = new[] { "*" } },
                new { id = "payments-use", groups = new[] { "payments" }, operations = new[] { "data" }, keys = new { aliases = new[] { "payments-*" }, tags = new { team = "payments" } } },
                new { id = "no-secret-keys", effect = "deny", principals = new[] { "*" }, operations = new[] { "decrypt", "encrypt" }, keys = new { classifications = new[] { "secret" } } },
            },
        });
        using var app = _server.NewClient(appSecret);

        using (var ok = await PolicyTestHelpers.PostAsync(app, $"/v1/keys/{payments}/encrypt", new { plaintext = "aGVsbG8=" }))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var other = await PolicyTestHelpers.PostAsync(app, $"/v1/keys/{hr}/encrypt", new { plaintext = "aGVsbG8=" }))
        {
            var problem = await PolicyTestHelpers.ProblemAsync(other, HttpStatusCode.Forbidden);
            Assert.Contains($"no rule allows 'payments-app' (token:{appId}) to encrypt with key {hr}", problem);
        }
        using (var denied = await PolicyTestHelpers.PostAsync(app, $"/v1/keys/{secret}/encrypt", new { plaintext = "aGVsbG8=" }))
            Assert.Contains("rule 'no-secret-keys' denies", await PolicyTestHelpers.ProblemAsync(denied, HttpStatusCode.Forbidden));
        // The deny rule beats even the root rule.
        using (var rootDenied = await PolicyTestHelpers.PostAsync(_server.Root, $"/v1/keys/{secret}/encrypt", new { plaintext = "aGVsbG8=" }))
            Assert.Contains("rule 'no-secret-keys' denies", await PolicyTestHelpers.ProblemAsync(rootDenied, HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task Conditions_on_justification_and_network_are_enforced_with_their_reason()
    {
        var key = await PolicyTestHelpers.CreateKeyAsync(_server.Root, "batch", "confidential");
        var (_, secret) = await PolicyTestHelpers.CreateTokenAsync(_server.Root, "batch-job", ["key-user"]);
        await PolicyTestHelpers.ActivateAsync(_server, new
        {
            rules = new object[]
            {
                new { id = "root", roles = new[] { "root" }, operations = new[] { "*" } },
                new { id = "batch-with-reason", roles = new[] { "key-user" }, operations = new[] { "encrypt" },
                    conditions = new { justifications = new { require = new[] { "scheduled-job", "data-migration" } }, networks = new[] { "127.0.0.0/8" } } },
                new { id = "batch-never-from-office", roles = new[] { "key-user" }, operations = new[] { "decrypt" },
                    conditions = new { networks = new[] { "10.20.0.0/16" } } },
            },
        });
        using var client = _server.NewClient(secret);

        using (var none = await PolicyTestHelpers.PostAsync(client, $"/v1/keys/{key}/encrypt", new { plaintext = "aGVsbG8=" }))
            Assert.Contains("rule 'batch-with-reason' would allow it, but it requires a justification (scheduled-job, data-migration)",
                await PolicyTestHelpers.ProblemAsync(none, HttpStatusCode.Forbidden));
        client.DefaultRequestHeaders.Add("Custos-Justification", "emergency");
        using (var wrong = await PolicyTestHelpers.PostAsync(client, $"/v1/keys/{key}/encrypt", new { plaintext = "aGVsbG8=" }))
            Assert.Contains("justification 'emergency' is not one it accepts", await PolicyTestHelpers.ProblemAsync(wrong, HttpStatusCode.Forbidden));
        client.DefaultRequestHeaders.Remove("Custos-Justification");
        client.DefaultRequestHeaders.Add("Custos-Justification", "scheduled-job");
        byte[] blob;
        using (var ok = await PolicyTestHelpers.PostAsync(client, $"/v1/keys/{key}/encrypt", new { plaintext = "aGVsbG8=" }))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            blob = JsonDocument.Parse(await ok.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("ciphertextBlob").GetBytesFromBase64();
        }
        using (var outside = await PolicyTestHelpers.PostAsync(client, "/v1/decrypt", new { ciphertextBlob = Convert.ToBase64String(blob) }))
            Assert.Contains("the request comes from 127.0.0.1, outside 10.20.0.0/16", await PolicyTestHelpers.ProblemAsync(outside, HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task A_rule_rate_is_per_principal_and_answers_429_with_retry_after()
    {
        var key = await PolicyTestHelpers.CreateKeyAsync(_server.Root, "rated", "internal");
        var (_, first) = await PolicyTestHelpers.CreateTokenAsync(_server.Root, "one", ["key-user"]);
        var (_, second) = await PolicyTestHelpers.CreateTokenAsync(_server.Root, "two", ["key-user"]);
        await PolicyTestHelpers.ActivateAsync(_server, new
        {
            rules = new object[]
            {
                new { id = "root", roles = new[] { "root" }, operations = new[] { "*" } },
                new { id = "slow", roles = new[] { "key-user" }, operations = new[] { "encrypt" }, conditions = new { rate = new { requests = 3, perSeconds = 3600 } } },
            },
        });
        using var one = _server.NewClient(first);
        using var two = _server.NewClient(second);
        for (int i = 0; i < 3; i++)
        {
            using var ok = await PolicyTestHelpers.PostAsync(one, $"/v1/keys/{key}/encrypt", new { plaintext = "aGVsbG8=" });
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using (var limited = await PolicyTestHelpers.PostAsync(one, $"/v1/keys/{key}/encrypt", new { plaintext = "aGVsbG8=" }))
        {
            Assert.Contains("rule 'slow' allows at most 3 request(s) per 3600 s", await PolicyTestHelpers.ProblemAsync(limited, HttpStatusCode.TooManyRequests));
            Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }
        using (var other = await PolicyTestHelpers.PostAsync(two, $"/v1/keys/{key}/encrypt", new { plaintext = "aGVsbG8=" }))
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        var events = await PolicyTestHelpers.EventsAsync(_server.Root, "data.encrypt");
        Assert.Single(events, e => e.TryGetProperty("errorCode", out var code) && code.GetString() == "throttled" && e.GetProperty("policy").GetString()!.EndsWith("/slow"));
    }
}
