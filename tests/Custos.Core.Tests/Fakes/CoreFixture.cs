using Custos.Core.Access;
using Custos.Core.Keys;
using Custos.Core.Ports;
using Custos.Core.Residency;
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

    public FakeRegistry Registry { get; }
    public InMemoryProviderRepository Providers { get; }
    public LegalRegister Register { get; }
    public LocationMap Locations { get; }
    public ResidencyCompliance Compliance { get; }
    public RegisterService RegisterService { get; }
    public PolicyService PolicyService { get; }

    /// <summary>
    /// The core over fakes. The node is "test-node"; <paramref name="nodeLocation"/> is its location (none by default) and
    /// <paramref name="keystores"/> more keystores beside <see cref="Keystore"/> (which lives on the node, like the
    /// software keystore), each at its own location.
    /// </summary>
    public CoreFixture(bool unseal = true, RateLimit? keyLimit = null, Location? nodeLocation = null,
        IReadOnlyList<(IKeystore Keystore, Location? Location)>? keystores = null)
    {
        Keys = new InMemoryKeyRepository(Audit);
        Store = new InMemoryTokenAndSealRepository(Audit);
        Tokens = new TokenService(Store, Time);
        var node = new Custos.Core.Audit.NodeIdentity("test-node", nodeLocation?.Country);
        Seal = new SealManager(Store, Tokens, Audit, node, Time, NullLogger<SealManager>.Instance, ceremonies: Store);
        Ceremony = new InitCeremony(Store, Seal, Audit, node, Time, NullLogger<InitCeremony>.Instance);
        var recorder = new Custos.Core.Audit.AuditRecorder(Audit, Seal, Time, node);
        var resolver = new KeyResolver(Keys, new KeyCache(Time, TimeSpan.FromSeconds(5)));
        Policies = new InMemoryPolicyRepository(Audit);
        ActivePolicy = new Custos.Core.Access.Policy.ActivePolicy(Policies, Time);
        ApprovalStore = new InMemoryApprovalRepository(Audit);
        ApprovalGate = new Custos.Core.Approvals.ApprovalGate(ApprovalStore, recorder, Custos.Core.Approvals.ApprovalOptions.Default, Time);
        Providers = new InMemoryProviderRepository(Audit);
        Register = new LegalRegister(Providers, Time);
        Locations = new LocationMap("test-node", nodeLocation,
            (keystores ?? []).ToDictionary(k => k.Keystore.Name, k => k.Location), [Keystore.Name]);
        var residency = new ResidencyGuard(ActivePolicy, Register, Locations);
        var guard = new Guard(Seal, ActivePolicy, new Custos.Core.Access.Policy.RuleRateLimiter(), ApprovalGate, residency, Time);
        Guard = guard;
        var registry = new FakeRegistry([Keystore, .. (keystores ?? []).Select(k => k.Keystore)]);
        Registry = registry;
        Management = new KeyManagementService(resolver, Keys, registry, guard, recorder, residency, Time, NullLogger<KeyManagementService>.Instance);
        KeyLimits = new KeyRateLimiter(keyLimit, new AccessMetrics(Meters));
        Access = new KeyAccessService(resolver, registry, guard, recorder, KeyLimits);
        Approvals = new ApprovalService(ApprovalStore, guard, resolver, Management, Store,
            new PrincipalDirectory([new TokenPrincipalSource(Store)]), recorder, Time, NullLogger<ApprovalService>.Instance);
        Grants = new GrantService(ApprovalStore, guard, recorder, Time);
        Compliance = new ResidencyCompliance(Keys, ActivePolicy, Register, Locations);
        RegisterService = new RegisterService(Providers, Register, Compliance, guard, recorder, Time);
        PolicyService = new PolicyService(Policies, ActivePolicy, guard, recorder, new PrincipalDirectory([new TokenPrincipalSource(Store)]), resolver, Compliance, Time);
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
