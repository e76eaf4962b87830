using System.Net;
using Custos.Server.Tests.Support;
using static Custos.Server.Tests.Api.Rest.Policy.PolicyTestHelpers;

namespace Custos.Server.Tests.Api.Rest.Policy;

/// <summary>A policy change is not in force until a second security officer approves it; explain names the deciding rule.</summary>
public sealed class PolicyChangeTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private TestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync(auditLog: true, Ct);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static readonly object AdminsMayDecrypt = new
    {
        rules = new object[]
        {
            new { id = "root", roles = new[] { "root" }, operations = new[] { "*" } },
            new { id = "officers", roles = new[] { "security-officer" }, operations = new[] { "administer", "read-audit" } },
            new { id = "admins-manage-and-use", description = "small team: key admins also use keys", roles = new[] { "key-admin" }, operations = new[] { "create", "lifecycle", "read", "decrypt", "encrypt" } },
        },
    };

    [Fact]
    public async Task A_change_is_in_force_only_after_a_second_security_officer_approves_it()
    {
        var key = await CreateKeyAsync(_server.Root, "ops", "internal");
        var (adminId, adminSecret) = await CreateTokenAsync(_server.Root, "ops-admin", ["key-admin"]);
        var (so1Id, so1Secret) = await CreateTokenAsync(_server.Root, "alice", ["security-officer"]);
        var (_, so2Secret) = await CreateTokenAsync(_server.Root, "bob", ["security-officer"]);
        using var admin = _server.NewClient(adminSecret);
        using var alice = _server.NewClient(so1Secret);
        using var bob = _server.NewClient(so2Secret);

        // Separation of duties by default: the key administrator cannot use keys.
        using (var refused = await PostAsync(admin, $"/v1/keys/{key}/encrypt", new { plaintext = "aGVsbG8=" }))
            await ProblemAsync(refused, HttpStatusCode.Forbidden);

        using var proposed = await PostAsync(alice, "/v1/policy", new { document = AdminsMayDecrypt, comment = "let ops admins use their keys" });
        var pending = await OkAsync(proposed, HttpStatusCode.Created);
        Assert.Equal("pending", pending.GetProperty("status").GetString());
        Assert.Equal($"token:{so1Id}", pending.GetProperty("author").GetString());
        var version = pending.GetProperty("version").GetInt32();

        // Pending: not in force.
        using (var stillRefused = await PostAsync(admin, $"/v1/keys/{key}/encrypt", new { plaintext = "aGVsbG8=" }))
            await ProblemAsync(stillRefused, HttpStatusCode.Forbidden);
        Assert.Equal(0, (await OkAsync(await alice.GetAsync("/v1/policy", Ct))).GetProperty("version").GetInt32());

        // The author cannot approve it; neither can a non-officer, nor root.
        using (var self = await PostAsync(alice, $"/v1/policy/versions/{version}/approve", null))
            Assert.Contains("a second security officer must", await ProblemAsync(self, HttpStatusCode.Forbidden));
        using (var notOfficer = await PostAsync(admin, $"/v1/policy/versions/{version}/approve", null))
            await ProblemAsync(notOfficer, HttpStatusCode.Forbidden);
        using (var root = await PostAsync(_server.Root, $"/v1/policy/versions/{version}/approve", null))
            Assert.Contains("not a security officer", await ProblemAsync(root, HttpStatusCode.Forbidden));

        using (var approved = await PostAsync(bob, $"/v1/policy/versions/{version}/approve", null))
            Assert.Equal("active", (await OkAsync(approved)).GetProperty("status").GetString());
        using (var nowAllowed = await PostAsync(admin, $"/v1/keys/{key}/encrypt", new { plaintext = "aGVsbG8=" }))
            Assert.Equal(HttpStatusCode.OK, nowAllowed.StatusCode);

        // Explain names the deciding rule, for a real principal and for a hypothetical one.
        using (var explained = await PostAsync(bob, "/v1/policy/explain", new { principal = $"token:{adminId}", operation = "decrypt", key }))
        {
            var e = await OkAsync(explained);
            Assert.Equal("allow", e.GetProperty("decision").GetString());
            Assert.Equal("admins-manage-and-use", e.GetProperty("rule").GetString());
            Assert.Equal(version, e.GetProperty("policyVersion").GetInt32());
        }
        using (var explained = await PostAsync(bob, "/v1/policy/explain", new { roles = new[] { "key-user" }, operation = "decrypt", key }))
        {
            var e = await OkAsync(explained);
            Assert.Equal("deny", e.GetProperty("decision").GetString());
            Assert.Equal("default-deny", e.GetProperty("rule").GetString());
            Assert.Contains(e.GetProperty("rules").EnumerateArray(), r => r.GetProperty("id").GetString() == "admins-manage-and-use"
                && r.GetProperty("why").GetString()!.Contains("it is for role key-admin"));
        }

        // Every step is in the audit log.
        Assert.Single(await EventsAsync(_server.Root, "policy.propose"));
        var approvals = await EventsAsync(_server.Root, "policy.approve");
        Assert.Equal(3, approvals.Count(e => e.GetProperty("outcome").GetString() == "denied"));
        Assert.Single(approvals, e => e.GetProperty("outcome").GetString() == "allowed");
    }

    [Fact]
    public async Task An_invalid_policy_is_refused_with_the_rule_and_the_problem_and_changes_nothing()
    {
        var (_, so) = await CreateTokenAsync(_server.Root, "alice", ["security-officer"]);
        using var alice = _server.NewClient(so);
        var cases = new (object Document, string Expected)[]
        {
            (new { rules = new object[] { new { id = "x", roles = new[] { "wizard" }, operations = new[] { "decrypt" } } } }, "rule 'x': unknown role 'wizard'"),
            (new { rules = new object[] { new { id = "x", roles = new[] { "key-user" }, operations = new[] { "fly" } } } }, "rule 'x': unknown operation 'fly'"),
            (new { rules = new object[] { new { id = "x", operations = new[] { "decrypt" } } } }, "rule 'x': name who it is for"),
            (new { rules = new object[] { new { id = "x", roles = new[] { "key-user" }, operations = new[] { "decrypt" }, keys = new { classifications = new[] { "top" } } } } }, "unknown classification 'top'"),
            (new { rules = new object[] { new { id = "x", roles = new[] { "key-user" }, operations = new[] { "decrypt" }, conditions = new { networks = new[] { "10.0.0.1/8" } } } } }, "has host bits set"),
            (new { rules = new object[] { new { id = "x", roles = new[] { "key-user" }, operations = new[] { "decrypt" }, conditions = new { time = new { timeZone = "Mars/Olympus" } } } } }, "unknown time zone 'Mars/Olympus'"),
            (new { rules = new object[] { new { id = "x", effect = "deny", roles = new[] { "key-user" }, operations = new[] { "decrypt" }, approvals = new { count = 2 } } } }, "a deny rule cannot ask for approvals"),
            (new { rules = new object[] { new { id = "x", roles = new[] { "key-user" }, operations = new[] { "decrypt" } }, new { id = "x", roles = new[] { "reader" }, operations = new[] { "read" } } } }, "another rule has the same id"),
            (new { rules = new object[] { new { id = "x", roles = new[] { "key-user" }, operations = new[] { "decrypt" }, colour = "red" } } }, "colour"),
            (new { rules = new object[] { new { id = "users", roles = new[] { "key-user" }, operations = new[] { "data" } } } }, "no rule lets the security-officer role 'administer', so nobody could change the policy again"),
            (new { rules = new object[] { new { id = "officers", roles = new[] { "security-officer" }, operations = new[] { "*" } }, new { id = "lock", effect = "deny", principals = new[] { "*" }, operations = new[] { "administer" } } } },
                "rule 'lock' would deny security officers 'administer' always"),
        };
        foreach (var (document, expected) in cases)
        {
            using var response = await PostAsync(alice, "/v1/policy", new { document });
            Assert.Contains(expected, await ProblemAsync(response, HttpStatusCode.BadRequest));
        }
        var versions = await OkAsync(await alice.GetAsync("/v1/policy/versions", Ct));
        Assert.Single(versions.GetProperty("versions").EnumerateArray()); // only the built-in default
    }

    [Fact]
    public async Task Approving_a_proposal_older_than_the_policy_in_force_is_refused()
    {
        var (_, s1) = await CreateTokenAsync(_server.Root, "alice", ["security-officer"]);
        var (_, s2) = await CreateTokenAsync(_server.Root, "bob", ["security-officer"]);
        using var alice = _server.NewClient(s1);
        using var bob = _server.NewClient(s2);
        var first = (await OkAsync(await PostAsync(alice, "/v1/policy", new { document = AdminsMayDecrypt }), HttpStatusCode.Created)).GetProperty("version").GetInt32();
        var second = (await OkAsync(await PostAsync(alice, "/v1/policy", new { document = AdminsMayDecrypt }), HttpStatusCode.Created)).GetProperty("version").GetInt32();
        await OkAsync(await PostAsync(bob, $"/v1/policy/versions/{second}/approve", null));

        using var stale = await PostAsync(bob, $"/v1/policy/versions/{first}/approve", null);
        Assert.Contains($"propose it again on top of version {second}", await ProblemAsync(stale, HttpStatusCode.Conflict));
        using var rejected = await PostAsync(bob, $"/v1/policy/versions/{first}/reject", null);
        Assert.Equal("rejected", (await OkAsync(rejected)).GetProperty("status").GetString());
        Assert.Equal(second, (await OkAsync(await bob.GetAsync("/v1/policy", Ct))).GetProperty("version").GetInt32());
    }
}
