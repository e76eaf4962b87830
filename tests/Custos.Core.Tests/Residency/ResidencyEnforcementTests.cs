using System.Text;
using System.Text.Json;
using Custos.Core.Access;
using Custos.Core.Access.Policy;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Residency;
using Custos.Core.Service;
using Custos.Core.Tests.Fakes;
using Custos.Crypto;

namespace Custos.Core.Tests.Residency;

/// <summary>
/// Residency enforced by the core services: a node in Germany run by "self", an HSM in France run by "acme-hsm"
/// (FIPS 140-3 level 2) and, where a test moves new material, an HSM in the US run by "hypercloud" (headquartered there).
/// </summary>
public sealed class ResidencyEnforcementTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Principal Alice = new("token:alice", "alice", new HashSet<string> { Roles.SecurityOfficer });
    private static readonly Principal Bob = new("token:bob", "bob", new HashSet<string> { Roles.SecurityOfficer });

    private readonly FakeKeystore _hsm = new("hsm:vault", KeyCustody.Hsm);
    private readonly FakeKeystore _usHsm = new("hsm:us", KeyCustody.Hsm);
    private readonly CoreFixture _f;

    public ResidencyEnforcementTests() : this("DE") { }

    private ResidencyEnforcementTests(string nodeCountry)
    {
        _f = new CoreFixture(nodeLocation: new Location { Country = nodeCountry, Operator = "self" },
            keystores: [(_hsm, new Location { Country = "FR", Region = "Paris", Operator = "acme-hsm" }), (_usHsm, new Location { Country = "US", Operator = "hypercloud" })]);
        Put(new Provider { Id = "self", LegalName = "Example GmbH", HeadquartersCountry = "DE", Dpa = new DataProcessingAgreement { Date = new DateOnly(2025, 1, 1), Reference = "internal" } });
        Put(new Provider
        {
            Id = "acme-hsm", LegalName = "Acme HSM SAS", HeadquartersCountry = "FR",
            Dpa = new DataProcessingAgreement { Date = new DateOnly(2025, 3, 1), Reference = "DPA-17" },
            Certifications = new Certifications { Fips140Level = 2 },
        });
        Put(new Provider { Id = "hypercloud", LegalName = "HyperCloud Inc", HeadquartersCountry = "US", Certifications = new Certifications { Fips140Level = 3 } });
    }

    private void Put(Provider provider) => _f.Providers.PutAsync(provider, "test", _f.Time.GetUtcNow(), null, None).GetAwaiter().GetResult();

    private static readonly ResidencyRule RestrictedNeedsFips3 = new()
    {
        Id = "restricted-needs-fips3", Keys = new KeySelector { Classifications = ["restricted"] }, Provider = new ProviderRequirements { Fips140Level = 3 },
    };

    private static readonly ResidencyRule EuOnly = new() { Id = "eu-only", AllowedJurisdictions = ["EU"], AllowedLegalExposure = ["EU"] };

    /// <summary>Puts a policy in force behind the services' back (as if another node had approved it).</summary>
    private async Task ActivateAsync(params ResidencyRule[] rules)
    {
        var document = new PolicyDocument { Rules = DefaultPolicy.Document.Rules, Residency = rules };
        var version = await _f.Policies.ProposeAsync(document, "token:x", "", _f.Time.GetUtcNow(), null, None);
        await _f.Policies.DecideAsync(version.Version, true, "token:y", _f.Time.GetUtcNow(), null, None);
        _f.ActivePolicy.Invalidate();
    }

    private Task<Result<ManagedKey>> CreateAsync(KeyCustody custody, Classification classification, params string[] allowed) =>
        _f.Management.CreateAsync(_f.Root, new CreateKeyCommand(null, custody, KeyPurpose.EncryptDecrypt, KeySpec.Aes256Gcm,
            new KeyAttributes { Classification = classification, AllowedJurisdictions = allowed }), None);

    [Fact]
    public async Task Creating_a_key_in_a_keystore_that_breaks_a_rule_is_refused_audited_and_leaves_no_material()
    {
        await ActivateAsync(RestrictedNeedsFips3);

        var refused = await CreateAsync(KeyCustody.Hsm, Classification.Restricted);
        var allowed = await CreateAsync(KeyCustody.Hsm, Classification.Confidential);

        Assert.Equal(ErrorCode.ResidencyViolation, refused.Error!.Code);
        Assert.Equal("the new key (restricted): rule 'restricted-needs-fips3' requires FIPS 140-3 level 3 of provider 'acme-hsm' (has level 2), operator of keystore 'hsm:vault'",
            refused.Error.Message);
        var denied = Assert.Single(_f.Audit.Events, e => e.Operation == "key.create" && e.Outcome == AuditOutcome.Denied);
        Assert.Equal("residency-violation", denied.ErrorCode);
        Assert.True(allowed.IsSuccess, allowed.Error?.Message);
        Assert.Single(await _f.Keys.ListAsync(null, 10, None) is var page ? page.Keys : []);
    }

    [Fact]
    public async Task The_key_create_and_rotate_events_record_where_the_material_was_made_and_every_event_the_node_country()
    {
        var key = (await CreateAsync(KeyCustody.Hsm, Classification.Confidential)).Value;
        Assert.True((await _f.Management.RotateAsync(_f.Root, key.Id, None)).IsSuccess);
        Assert.True((await _f.Access.EncryptAsync(_f.Root, key.Id, new byte[] { 1 }, EncryptionContext.Empty, None)).IsSuccess);

        var created = Assert.Single(_f.Audit.Events, e => e.Operation == "key.create");
        var rotated = Assert.Single(_f.Audit.Events, e => e.Operation == "key.rotate");
        Assert.Equal(("hsm:vault", "FR", "acme-hsm", "Paris"), (created.Location!.Keystore, created.Location.Country, created.Location.Operator, created.Location.Region));
        Assert.Equal(["FR"], created.Location.CompellableBy);
        Assert.Equal("hsm:vault", rotated.Location!.Keystore);
        Assert.Null(Assert.Single(_f.Audit.Events, e => e.Operation == "data.encrypt").Location);
        Assert.All(_f.Audit.Events.Where(e => e.Operation.StartsWith("key.", StringComparison.Ordinal) || e.Operation.StartsWith("data.", StringComparison.Ordinal)),
            e => Assert.Equal("DE", e.NodeCountry));
        Assert.Contains("\"nodeCountry\":\"DE\",\"location\":{\"keystore\":\"hsm:vault\",\"country\":\"FR\",\"operator\":\"acme-hsm\",\"compellableBy\":[\"FR\"],\"region\":\"Paris\"}",
            Encoding.UTF8.GetString(created.ToLeafData()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_key_create_and_rotate_events_carry_what_the_keystore_attested_and_a_register_put_the_hash_of_the_entry()
    {
        var key = (await CreateAsync(KeyCustody.Hsm, Classification.Confidential)).Value;
        Assert.True((await _f.Management.RotateAsync(_f.Root, key.Id, None)).IsSuccess);
        var entry = """{"id":"spare","legalName":"Spare GmbH","headquartersCountry":"DE","auditRights":true}""";
        Assert.True((await _f.RegisterService.PutAsync(Alice, "spare", Encoding.UTF8.GetBytes(entry), None)).IsSuccess);

        var created = Assert.Single(_f.Audit.Events, e => e.Operation == "key.create");
        var rotated = Assert.Single(_f.Audit.Events, e => e.Operation == "key.rotate");
        var put = Assert.Single(_f.Audit.Events, e => e.Operation == "register.put" && e.Provider == "spare");
        Assert.Equal($"{key.Id}/v1", created.Evidence!["fake.version"]);
        Assert.Equal($"{key.Id}/v2", rotated.Evidence!["fake.version"]);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData((await _f.Providers.GetAsync("spare", None))!.Provider.ToCanonicalJson())),
            put.DocumentSha256);
        // Both are written after every older member, so that events without them keep their exact bytes.
        Assert.EndsWith($",\"evidence\":{{\"fake.local\":\"true\",\"fake.version\":\"{key.Id}/v1\"}}}}", Encoding.UTF8.GetString(created.ToLeafData()), StringComparison.Ordinal);
        Assert.EndsWith($",\"provider\":\"spare\",\"documentSha256\":\"{put.DocumentSha256}\"}}", Encoding.UTF8.GetString(put.ToLeafData()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotating_into_a_keystore_outside_the_keys_jurisdictions_is_refused_and_nothing_is_made_there()
    {
        var key = (await CreateAsync(KeyCustody.Hsm, Classification.Confidential, "EU")).Value;
        _f.Registry.NewMaterialIn = _usHsm; // new HSM material now goes to the US HSM

        var rotated = await _f.Management.RotateAsync(_f.Root, key.Id, None);

        Assert.Equal(ErrorCode.ResidencyViolation, rotated.Error!.Code);
        Assert.Equal($"key {key.Id} (confidential): the key's allowedJurisdictions allows EU, but keystore 'hsm:us' is in US", rotated.Error.Message);
        Assert.Equal(1, (await _f.Keys.GetAsync(key.Id, None))!.PrimaryVersion);
        _f.Registry.NewMaterialIn = null; // back to the French HSM
        Assert.Equal(2, (await _f.Management.RotateAsync(_f.Root, key.Id, None)).Value.PrimaryVersion);
    }

    [Fact]
    public async Task Automatic_rotation_by_Custos_itself_is_held_to_residency_too()
    {
        var created = await _f.Management.CreateAsync(_f.Root, new CreateKeyCommand(null, KeyCustody.Hsm, KeyPurpose.EncryptDecrypt, KeySpec.Aes256Gcm,
            new KeyAttributes { AllowedJurisdictions = ["EU"], RotationPeriodDays = 1 }), None);
        _f.Registry.NewMaterialIn = _usHsm;
        _f.Time.Advance(TimeSpan.FromDays(2));

        var rotated = await _f.Management.RotateDueAsync(created.Value.Id, None);

        Assert.Equal(ErrorCode.ResidencyViolation, rotated.Error!.Code);
        Assert.Equal("key.auto-rotate", _f.Audit.Events[^1].Operation);
        Assert.Equal(AuditOutcome.Denied, _f.Audit.Events[^1].Outcome);
    }

    [Fact]
    public async Task A_node_outside_the_keys_jurisdictions_refuses_data_and_lifecycle_use_but_lets_it_be_read_and_disabled()
    {
        var f = new ResidencyEnforcementTests("CH")._f; // a node in Switzerland
        var key = (await f.Management.CreateAsync(f.Root, new CreateKeyCommand("app", KeyCustody.Hsm, KeyPurpose.EncryptDecrypt, KeySpec.Aes256Gcm, new KeyAttributes()), None)).Value;
        var blob = (await f.Access.EncryptAsync(f.Root, key.Id, new byte[] { 7 }, EncryptionContext.Empty, None)).Value.CiphertextBlob;
        var document = new PolicyDocument { Rules = DefaultPolicy.Document.Rules, Residency = [EuOnly] };
        var version = await f.Policies.ProposeAsync(document, "token:x", "", f.Time.GetUtcNow(), null, None);
        await f.Policies.DecideAsync(version.Version, true, "token:y", f.Time.GetUtcNow(), null, None);
        f.ActivePolicy.Invalidate();

        var encrypt = await f.Access.EncryptAsync(f.Root, key.Id, new byte[] { 7 }, EncryptionContext.Empty, None);
        var decrypt = await f.Access.DecryptAsync(f.Root, blob, EncryptionContext.Empty, None);
        var rotate = await f.Management.RotateAsync(f.Root, key.Id, None);
        var update = await f.Management.UpdateAsync(f.Root, key.Id, new KeyUpdate { Description = "x" }, None);

        foreach (var refused in new[] { encrypt.Error, decrypt.Error, rotate.Error, update.Error })
        {
            Assert.Equal(ErrorCode.ResidencyViolation, refused!.Code);
            Assert.Equal($"key {key.Id} (alias/app, confidential): rule 'eu-only' allows EU, but node 'test-node' is in CH; "
                + $"key {key.Id} (alias/app, confidential): rule 'eu-only' allows legal exposure to EU only, but the operator of node 'test-node' can be compelled "
                + "under the law of CH (the location is there)", refused.Message);
        }
        Assert.True((await f.Management.GetAsync(f.Root, key.Id, None)).IsSuccess);
        Assert.True((await f.Management.DisableAsync(f.Root, key.Id, None)).IsSuccess);
        Assert.Equal(4, f.Audit.Events.Count(e => e.ErrorCode == "residency-violation" && e.Outcome == AuditOutcome.Denied && e.KeyId == key.Id));
    }

    [Fact]
    public async Task An_edit_that_would_put_the_key_out_of_its_own_jurisdictions_is_refused()
    {
        var key = (await CreateAsync(KeyCustody.Hsm, Classification.Confidential, "FR", "DE")).Value;

        var narrowed = await _f.Management.UpdateAsync(_f.Root, key.Id, new KeyUpdate { AllowedJurisdictions = ["FR"] }, None);
        var widened = await _f.Management.UpdateAsync(_f.Root, key.Id, new KeyUpdate { AllowedJurisdictions = ["EU"] }, None);

        Assert.Equal($"key {key.Id} (confidential): the key's allowedJurisdictions allows FR, but node 'test-node' is in DE", narrowed.Error!.Message);
        Assert.True(widened.IsSuccess);
    }

    [Fact]
    public async Task A_policy_version_whose_residency_rules_existing_keys_would_break_cannot_be_approved()
    {
        var restricted = (await CreateAsync(KeyCustody.Hsm, Classification.Restricted)).Value;
        var breaking = JsonSerializer.SerializeToUtf8Bytes(new PolicyDocument { Rules = DefaultPolicy.Document.Rules, Residency = [RestrictedNeedsFips3] }, PolicyJson.Default.PolicyDocument);
        var harmless = JsonSerializer.SerializeToUtf8Bytes(new PolicyDocument { Rules = DefaultPolicy.Document.Rules, Residency = [EuOnly] }, PolicyJson.Default.PolicyDocument);
        var v1 = (await _f.PolicyService.ProposeAsync(Alice, breaking, "fips for restricted", None)).Value.Version;
        var v2 = (await _f.PolicyService.ProposeAsync(Alice, harmless, "eu only", None)).Value.Version;

        var refused = await _f.PolicyService.DecideAsync(Bob, v1, approve: true, None);
        var approved = await _f.PolicyService.DecideAsync(Bob, v2, approve: true, None);

        Assert.Equal(ErrorCode.Conflict, refused.Error!.Code);
        Assert.Equal($"approving policy version {v1} would put 1 existing key(s) out of residency policy: key {restricted.Id} (restricted): rule 'restricted-needs-fips3' "
            + "requires FIPS 140-3 level 3 of provider 'acme-hsm' (has level 2), operator of keystore 'hsm:vault'", refused.Error.Message);
        Assert.Equal(restricted.Id, refused.Error.Details!["keys"]);
        Assert.True(approved.IsSuccess, approved.Error?.Message);
        Assert.Equal(PolicyStatus.Pending, (await _f.Policies.GetAsync(v1, None))!.Status);
    }

    [Fact]
    public async Task A_register_change_that_would_strand_a_key_is_refused_naming_it_and_others_are_audited()
    {
        await ActivateAsync(new ResidencyRule { Id = "needs-dpa", Provider = new ProviderRequirements { Dpa = true } });
        var key = (await CreateAsync(KeyCustody.Hsm, Classification.Confidential)).Value;

        var withoutDpa = await _f.RegisterService.PutAsync(Alice, "acme-hsm",
            Encoding.UTF8.GetBytes("""{"id":"acme-hsm","legalName":"Acme HSM SAS","headquartersCountry":"FR"}"""), None);
        var certified = await _f.RegisterService.PutAsync(Alice, "acme-hsm",
            Encoding.UTF8.GetBytes("""{"id":"acme-hsm","legalName":"Acme HSM SAS","headquartersCountry":"FR","dpa":{"date":"2026-01-01","reference":"DPA-18"},"certifications":{"fips140Level":3}}"""), None);

        Assert.Equal(ErrorCode.Conflict, withoutDpa.Error!.Code);
        Assert.Equal($"this change to provider 'acme-hsm' would put 1 existing key(s) out of residency policy: key {key.Id} (confidential): rule 'needs-dpa' "
            + "requires a DPA of provider 'acme-hsm' (none recorded), operator of keystore 'hsm:vault'", withoutDpa.Error.Message);
        Assert.False(certified.Value.Created);
        Assert.Equal(3, (await _f.Register.GetAsync(None))["acme-hsm"].Certifications!.Fips140Level);
        Assert.Equal([("register.put", AuditOutcome.Failed, "conflict"), ("register.put", AuditOutcome.Allowed, null)],
            _f.Audit.Events.Where(e => e.Provider == "acme-hsm").Select(e => (e.Operation, e.Outcome, e.ErrorCode)));
    }

    [Fact]
    public async Task A_provider_a_location_names_cannot_be_deleted_and_only_officers_change_the_register()
    {
        var keyUser = new Principal("token:app", "app", new HashSet<string> { Roles.KeyUser });
        var auditor = new Principal("token:aud", "aud", new HashSet<string> { Roles.Auditor });

        var used = await _f.RegisterService.DeleteAsync(Alice, "acme-hsm", None);
        var byKeyUser = await _f.RegisterService.PutAsync(keyUser, "x", Encoding.UTF8.GetBytes("""{"legalName":"X","headquartersCountry":"DE","id":"x"}"""), None);
        var readByKeyUser = await _f.RegisterService.ListAsync(keyUser, None);
        var readByAuditor = await _f.RegisterService.ListAsync(auditor, None);
        var mismatch = await _f.RegisterService.PutAsync(Alice, "x", Encoding.UTF8.GetBytes("""{"legalName":"X","headquartersCountry":"DE","id":"y"}"""), None);
        (await _f.RegisterService.PutAsync(Alice, "spare", Encoding.UTF8.GetBytes("""{"legalName":"Spare","headquartersCountry":"DE","id":"spare"}"""), None)).Value.ToString();
        var unused = await _f.RegisterService.DeleteAsync(Alice, "spare", None);

        Assert.Equal("provider 'acme-hsm' operates keystore 'hsm:vault': change that location in the configuration first", used.Error!.Message);
        Assert.Equal(ErrorCode.Conflict, used.Error.Code);
        Assert.Equal(ErrorCode.Forbidden, byKeyUser.Error!.Code);
        Assert.Equal(ErrorCode.Forbidden, readByKeyUser.Error!.Code);
        Assert.Equal(["acme-hsm", "hypercloud", "self"], readByAuditor.Value.Select(e => e.Provider.Id));
        Assert.Equal("the entry's id 'y' is not 'x', the id it is put under", mismatch.Error!.Message);
        Assert.True(unused.IsSuccess);
        Assert.Equal(["node 'test-node'"], _f.RegisterService.UsedBy("self"));
    }

    [Fact]
    public async Task The_start_up_check_finds_stranded_keys_and_locations_naming_unknown_providers()
    {
        var key = (await CreateAsync(KeyCustody.Hsm, Classification.Restricted)).Value;
        await ActivateAsync(RestrictedNeedsFips3); // behind the approval check's back: stranded

        var violations = await _f.Compliance.FindViolationsAsync(None);
        var unknown = _f.Compliance.UnknownOperators(new Dictionary<string, Provider>());

        Assert.Equal(key.Id, Assert.Single(violations).KeyId);
        Assert.Equal("restricted-needs-fips3", violations[0].RuleId);
        Assert.Equal(
        [
            "the location of node 'test-node' names operator 'self', which is not in the legal register",
            "the location of keystore 'hsm:us' names operator 'hypercloud', which is not in the legal register",
            "the location of keystore 'hsm:vault' names operator 'acme-hsm', which is not in the legal register",
        ], unknown);
    }
}
