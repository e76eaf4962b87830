using Custos.Core.Access;
using Custos.Core.Access.Policy;
using Custos.Core.Approvals;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Service;
using Custos.Core.Tests.Fakes;
using Custos.Crypto;
using Custos.Crypto.Signing;

namespace Custos.Core.Tests.Approvals;

/// <summary>
/// The core over fakes with a policy that puts decrypting restricted keys under 2 approvals from the group
/// "payments-approvers" (grants of 15 minutes, 3 uses by default), destroying, disabling and editing them under 2
/// approvals from that group, and creating secret keys under 1 approval from anyone; a
/// requester (key user), a key admin, three approvers in the group (each with its own key), one outside it,
/// and principals that must not be able to approve. A fresh one per test.
/// </summary>
public sealed class ApprovalBench : IDisposable
{
    public const string Group = "payments-approvers";
    public static readonly CancellationToken None = CancellationToken.None;

    public CoreFixture F { get; } = new();
    public Principal App { get; }
    public Principal Admin { get; }
    public Principal A1 { get; }
    public Principal A2 { get; }
    public Principal A3 { get; }
    public Principal Outsider { get; }
    public Principal UserWithKey { get; }
    public Principal Officer { get; }
    private readonly Dictionary<string, SigningKey> _keys = [];

    public ApprovalBench(int grantUses = 3, int grantMinutes = 15)
    {
        App = Person("app", [Roles.KeyUser]);
        Admin = Person("admin", [Roles.KeyAdmin]);
        A1 = Person("a1", [Roles.Approver], Group);
        A2 = Person("a2", [Roles.Approver], Group);
        A3 = Person("a3", [Roles.Approver], Group);
        Outsider = Person("outsider", [Roles.Approver], "other-approvers");
        UserWithKey = Person("user-with-key", [Roles.KeyUser], Group);
        Officer = Person("officer", [Roles.SecurityOfficer]);
        Activate(new PolicyDocument
        {
            Rules =
            [
                new() { Id = "root", Roles = [Roles.Root], Operations = ["*"] },
                new() { Id = "officers", Roles = [Roles.SecurityOfficer], Operations = ["administer", "read-audit", "read"] },
                new() { Id = "users-use", Roles = [Roles.KeyUser], Operations = ["encrypt", "read"] },
                new()
                {
                    Id = "users-decrypt-restricted", Roles = [Roles.KeyUser], Operations = ["decrypt"], Keys = new KeySelector { Classifications = ["restricted"] },
                    Approvals = new ApprovalRequirement { Count = 2, Group = Group, GrantMinutes = grantMinutes, GrantUses = grantUses },
                },
                new() { Id = "admins-manage", Roles = [Roles.KeyAdmin], Operations = ["create", "lifecycle", "read"] },
                new()
                {
                    Id = "admins-change-restricted", Roles = [Roles.KeyAdmin], Operations = ["destroy", "disable", "manage"],
                    Keys = new KeySelector { Classifications = ["restricted"] }, Approvals = new ApprovalRequirement { Count = 2, Group = Group },
                },
                new()
                {
                    Id = "admins-create-secret", Roles = [Roles.KeyAdmin], Operations = ["create"],
                    Keys = new KeySelector { Classifications = ["secret"] }, Approvals = new ApprovalRequirement { Count = 1 },
                },
                new() { Id = "approvers-approve", Roles = [Roles.Approver], Operations = ["approve", "read"] },
                new() { Id = "no-approving-tagged-frozen", Effect = PolicyEffect.Deny, Roles = [Roles.Approver], Operations = ["approve"], Keys = new KeySelector { Tags = new Dictionary<string, string> { ["frozen"] = "*" } } },
            ],
        });
    }

    /// <summary>
    /// A token named <paramref name="name"/> (with an approval key of its own unless <paramref name="withKey"/> is false),
    /// authenticated: its principal, in a fresh request.
    /// </summary>
    public Principal Person(string name, string[] roles, string? group = null, bool withKey = true)
    {
        SigningKey? key = null;
        if (withKey) _keys[name] = key = SigningKey.GenerateEcdsaP256();
        var made = F.Tokens.CreateAsync(new TokenSpec(name, roles, null, group is null ? null : [group], null, key?.PublicKey.ToPem()), null, None).GetAwaiter().GetResult();
        Assert.True(made.IsSuccess, made.Error?.Message);
        Secrets[name] = made.Value.Secret;
        return F.Tokens.AuthenticateAsync(made.Value.Secret, None).AsTask().GetAwaiter().GetResult().Value with { Request = NewRequest() };
    }

    /// <summary>The token secrets by name.</summary>
    public Dictionary<string, string> Secrets { get; } = [];

    /// <summary>The same principal in a new request (as each HTTP request is).</summary>
    public static Principal Again(Principal p) => p with { Request = NewRequest() };

    private static RequestInfo NewRequest() => new("req-" + Guid.NewGuid().ToString("N")[..8], "10.0.0.7");

    public void Activate(PolicyDocument document)
    {
        var proposed = F.Policies.ProposeAsync(document, "token:so1", "test", F.Time.GetUtcNow(), null, None).GetAwaiter().GetResult();
        Assert.True(F.Policies.DecideAsync(proposed.Version, true, "token:so2", F.Time.GetUtcNow(), null, None).GetAwaiter().GetResult());
        F.ActivePolicy.Invalidate();
    }

    public async Task<ManagedKey> KeyAsync(string alias, Classification classification = Classification.Restricted, Dictionary<string, string>? tags = null)
    {
        var r = await F.Management.CreateAsync(F.Root, new CreateKeyCommand(alias, KeyCustody.Software, KeyPurpose.EncryptDecrypt, KeySpec.Aes256Gcm,
            new KeyAttributes { Classification = classification, Tags = tags ?? [] }), None);
        Assert.True(r.IsSuccess, r.Error?.Message);
        return r.Value;
    }

    public static EncryptionContext Ctx(string order) => EncryptionContext.From([new("order", order)]);

    public async Task<byte[]> EncryptAsync(ManagedKey key, string order) =>
        (await F.Access.EncryptAsync(F.Root, key.Id, "salary"u8.ToArray(), Ctx(order), None)).Value.CiphertextBlob;

    public async Task<Result<Decrypted>> DecryptAsync(byte[] blob, string order, Principal? who = null) =>
        await F.Access.DecryptAsync(Again(who ?? App), blob, Ctx(order), None);

    /// <summary>The approval request id a refusal names.</summary>
    public static string ApprovalIdOf(CustosError? error)
    {
        Assert.NotNull(error);
        Assert.Equal(ErrorCode.ApprovalRequired, error.Code);
        return error.Details!["approvalId"];
    }

    public async Task<ApprovalRequest> RequestAsync(string id) => (await F.Approvals.GetAsync(F.Root, id, None)).Value;

    /// <summary><paramref name="approver"/> signs the statement for <paramref name="verdict"/> of request <paramref name="id"/> with its own key and sends it.</summary>
    public async Task<Result<ApprovalRequest>> DecideAsync(Principal approver, string id, ApprovalVerdict verdict = ApprovalVerdict.Approve, string? signedBy = null)
    {
        var request = await RequestAsync(id);
        var signature = _keys[signedBy ?? approver.Name].Sign(ApprovalStatement.Bytes(request, verdict));
        return await F.Approvals.DecideAsync(Again(approver), id, verdict, signature, "looks right", None);
    }

    public byte[] Sign(string name, string text) => _keys[name].Sign(System.Text.Encoding.UTF8.GetBytes(text));

    public int Events(string operation) => F.Audit.Events.Count(e => e.Operation == operation);

    public void Dispose()
    {
        foreach (var k in _keys.Values) k.Dispose();
    }
}
