using Custos.Core.Access;
using Custos.Core.Keys;
using Custos.Core.Seal;
using Custos.Core.Service;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Custos.Core.Tests.Fakes;

/// <summary>The core services wired over fakes, unsealed, with a fake clock. A fresh one per test.</summary>
public sealed class CoreFixture
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    public InMemoryAuditLog Audit { get; } = new();
    public InMemoryKeyRepository Keys { get; }
    public InMemoryTokenAndSealRepository Store { get; }
    public FakeKeystore Keystore { get; } = new();
    public SealManager Seal { get; }
    public InitCeremony Ceremony { get; }
    public TokenService Tokens { get; }
    public KeyManagementService Management { get; }
    public KeyAccessService Access { get; }
    public KeyMaintenance Maintenance { get; }
    public InMemoryPolicyRepository Policies { get; }
    public Custos.Core.Access.Policy.ActivePolicy ActivePolicy { get; }
    public Guard Guard { get; }
    public InMemoryApprovalRepository ApprovalStore { get; }
    public Custos.Core.Approvals.ApprovalGate ApprovalGate { get; }
    public ApprovalService Approvals { get; }
    public GrantService Grants { get; }
    public Principal Root { get; } = new("token:root", "root", new HashSet<string> { Roles.Root });
    public TestMeterFactory Meters { get; } = new();
    public KeyRateLimiter KeyLimits { get; }

    public CoreFixture(bool unseal = true, RateLimit? keyLimit = null)
    {
        Keys = new InMemoryKeyRepository(Audit);
        Store = new InMemoryTokenAndSealRepository(Audit);
        Tokens = new TokenService(Store, Time);
        var node = new Custos.Core.Audit.NodeIdentity("test-node");
        Seal = new SealManager(Store, Tokens, Audit, node, Time, NullLogger<SealManager>.Instance, ceremonies: Store);
        Ceremony = new InitCeremony(Store, Seal, Audit, node, Time, NullLogger<InitCeremony>.Instance);
        var recorder = new Custos.Core.Audit.AuditRecorder(Audit, Seal, Time, node);
        var resolver = new KeyResolver(Keys, new KeyCache(Time, TimeSpan.FromSeconds(5)));
        Policies = new InMemoryPolicyRepository(Audit);
        ActivePolicy = new Custos.Core.Access.Policy.ActivePolicy(Policies, Time);
        ApprovalStore = new InMemoryApprovalRepository(Audit);
        ApprovalGate = new Custos.Core.Approvals.ApprovalGate(ApprovalStore, recorder, Custos.Core.Approvals.ApprovalOptions.Default, Time);
        var guard = new Guard(Seal, ActivePolicy, new Custos.Core.Access.Policy.RuleRateLimiter(), ApprovalGate, Time);
        Guard = guard;
        var registry = new FakeRegistry(Keystore);
        Management = new KeyManagementService(resolver, Keys, registry, guard, recorder, Time, NullLogger<KeyManagementService>.Instance);
        KeyLimits = new KeyRateLimiter(keyLimit, new AccessMetrics(Meters));
        Access = new KeyAccessService(resolver, registry, guard, recorder, KeyLimits);
        Approvals = new ApprovalService(ApprovalStore, guard, resolver, Management, Store,
            new PrincipalDirectory([new TokenPrincipalSource(Store)]), recorder, Time, NullLogger<ApprovalService>.Instance);
        Grants = new GrantService(ApprovalStore, guard, recorder, Time);
        Maintenance = new KeyMaintenance(Keys, Management, Seal, Time, NullLogger<KeyMaintenance>.Instance);
        if (unseal)
        {
            var init = Seal.InitializeAsync(3, 2, SealManager.ShamirType, CancellationToken.None).GetAwaiter().GetResult();
            Seal.SubmitShareAsync(init.Value.Shares[0], CancellationToken.None).GetAwaiter().GetResult();
            Seal.SubmitShareAsync(init.Value.Shares[2], CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    public async Task<ManagedKey> CreateKeyAsync(string? alias = "app", int? rotationDays = null)
    {
        var r = await Management.CreateAsync(Root, new CreateKeyCommand(alias, KeyCustody.Software, KeyPurpose.EncryptDecrypt, KeySpec.Aes256Gcm,
            new KeyAttributes { RotationPeriodDays = rotationDays }), CancellationToken.None);
        Assert.True(r.IsSuccess, r.Error?.Message);
        return r.Value;
    }
}
