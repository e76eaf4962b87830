using System.Net;
using System.Text;
using System.Text.Json;
using Custos.Crypto.Signing;
using Custos.Server.Tests.Api.Rest.Policy;
using Custos.Server.Tests.Support;

namespace Custos.Server.Tests.Api.Rest.Approvals;

/// <summary>
/// A real server (audit log on) with a policy in force, put there by two security officers through the policy
/// API: decrypting restricted keys needs 2 approvals from "payments-approvers" (grants of 15 minutes, 2 uses);
/// scheduling their destruction needs 2 approvals from the same group. Tokens: a key user (app), a key admin,
/// three approvers in the group with their own approval keys, one approver outside it, and an officer.
/// </summary>
internal sealed class ApprovalServer : IAsyncDisposable
{
    public const string Group = "payments-approvers";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly Dictionary<string, SigningKey> _keys = [];

    private ApprovalServer(TestServer server) => Server = server;

    public TestServer Server { get; }
    public Dictionary<string, HttpClient> Clients { get; } = [];
    public Dictionary<string, string> Ids { get; } = [];

    public static async Task<ApprovalServer> StartAsync(Func<Custos.Server.Hosting.ServerOptions, Custos.Server.Hosting.ServerOptions>? configure = null,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var s = new ApprovalServer(await TestServer.StartAsync(o => (configure ?? (x => x))(o with { AuditLog = true }), services, Ct));
        await PolicyTestHelpers.ActivateAsync(s.Server, new
        {
            rules = new object[]
            {
                new { id = "root", roles = new[] { "root" }, operations = new[] { "*" } },
                new { id = "officers", roles = new[] { "security-officer" }, operations = new[] { "administer", "read-audit", "read" } },
                new { id = "users-use", roles = new[] { "key-user" }, operations = new[] { "encrypt", "read" } },
                new
                {
                    id = "users-decrypt-restricted", roles = new[] { "key-user" }, operations = new[] { "decrypt" },
                    keys = new { classifications = new[] { "restricted" } }, approvals = new { count = 2, group = Group, grantMinutes = 15, grantUses = 2 },
                },
                new { id = "admins-manage", roles = new[] { "key-admin" }, operations = new[] { "create", "lifecycle", "read" } },
                new
                {
                    id = "admins-destroy-restricted", roles = new[] { "key-admin" }, operations = new[] { "destroy" },
                    keys = new { classifications = new[] { "restricted" } }, approvals = new { count = 2, group = Group },
                },
                new
                {
                    id = "admins-reshare-restricted", roles = new[] { "key-admin" }, operations = new[] { "reshare" },
                    keys = new { classifications = new[] { "restricted" } }, approvals = new { count = 2, group = Group },
                },
                new { id = "approvers-approve", roles = new[] { "approver" }, operations = new[] { "approve", "read" } },
            },
        });
        await s.AddAsync("app", ["key-user"]);
        await s.AddAsync("admin", ["key-admin"]);
        await s.AddAsync("officer", ["security-officer"]);
        foreach (var name in new[] { "a1", "a2", "a3" }) await s.AddAsync(name, ["approver"], Group);
        await s.AddAsync("outsider", ["approver"], "other-approvers");
        await s.AddAsync("user-with-key", ["key-user"], Group);
        await s.AddAsync("keyless", ["approver"], Group, withKey: false);
        return s;
    }

    private async Task AddAsync(string name, string[] roles, string? group = null, bool withKey = true)
    {
        string? pem = null;
        if (withKey)
        {
            _keys[name] = SigningKey.GenerateEcdsaP256();
            pem = _keys[name].PublicKey.ToPem();
        }
        using var response = await PolicyTestHelpers.PostAsync(Server.Root, "/v1/tokens",
            new { name, roles, groups = group is null ? null : new[] { group }, approvalKey = pem });
        var token = await PolicyTestHelpers.OkAsync(response, HttpStatusCode.Created);
        Clients[name] = Server.NewClient(token.GetProperty("token").GetString());
        Ids[name] = "token:" + token.GetProperty("id").GetString();
    }

    public HttpClient this[string name] => Clients[name];

    public async Task<string> RestrictedKeyAsync(string alias) => await PolicyTestHelpers.CreateKeyAsync(Server.Root, alias, "restricted");

    public async Task<byte[]> EncryptAsync(string keyId, string order)
    {
        using var response = await PolicyTestHelpers.PostAsync(Server.Root, $"/v1/keys/{keyId}/encrypt",
            new { plaintext = Convert.ToBase64String("salary"u8), encryptionContext = new { order } });
        return (await PolicyTestHelpers.OkAsync(response)).GetProperty("ciphertextBlob").GetBytesFromBase64();
    }

    public Task<HttpResponseMessage> DecryptAsync(byte[] blob, string order, string who = "app") =>
        PolicyTestHelpers.PostAsync(this[who], "/v1/decrypt", new { ciphertextBlob = Convert.ToBase64String(blob), encryptionContext = new { order } });

    /// <summary>Asserts a 403 approval-required and returns the approval id it names.</summary>
    public static async Task<string> ApprovalIdAsync(HttpResponseMessage response)
    {
        var problem = await PolicyTestHelpers.OkAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("urn:custos:problem:approval-required", problem.GetProperty("type").GetString());
        var id = problem.GetProperty("approvalId").GetString()!;
        Assert.Contains(id, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        return id;
    }

    /// <summary>GET /v1/approvals/{id} as <paramref name="who"/> (root when null).</summary>
    public async Task<JsonElement> GetAsync(string id, string? who = "a1")
    {
        using var response = await (who is null ? Server.Root : this[who]).GetAsync($"/v1/approvals/{id}", Ct);
        return await PolicyTestHelpers.OkAsync(response);
    }

    /// <summary>
    /// <paramref name="who"/> signs the statement served for <paramref name="id"/> (read by root, so that principals who may not
    /// read it can still try) with its own key (or <paramref name="signer"/>'s), and posts it.
    /// </summary>
    public async Task<HttpResponseMessage> DecideAsync(string who, string id, string decision = "approve", string? signer = null, Func<string, string>? tamper = null)
    {
        var statement = (await GetAsync(id, null)).GetProperty(decision == "approve" ? "approveStatement" : "denyStatement").GetString()!;
        var signature = Sign(signer ?? who, tamper is null ? statement : tamper(statement));
        return await PolicyTestHelpers.PostAsync(this[who], $"/v1/approvals/{id}/{decision}", new { signature = Convert.ToBase64String(signature), reason = "checked" });
    }

    public byte[] Sign(string who, string text) => _keys[who].Sign(Encoding.UTF8.GetBytes(text));

    public VerificationKey PublicKey(string who) => _keys[who].PublicKey;

    public async ValueTask DisposeAsync()
    {
        foreach (var c in Clients.Values) c.Dispose();
        foreach (var k in _keys.Values) k.Dispose();
        await Server.DisposeAsync();
    }
}
