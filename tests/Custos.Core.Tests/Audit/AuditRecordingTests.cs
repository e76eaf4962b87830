using Custos.Core.Access;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Service;
using Custos.Core.Tests.Fakes;
using Custos.Crypto;

namespace Custos.Core.Tests.Audit;

public sealed class AuditRecordingTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static Principal WithRequest(Principal p, string id) => p with { Request = new RequestInfo(id, "192.0.2.7", new Justification("customer-initiated-support", "TICKET-42")) };

    [Fact]
    public async Task Every_operation_leaves_exactly_one_event_with_its_outcome()
    {
        var f = new CoreFixture();
        var before = f.Audit.Events.Count;
        var reader = new Principal("token:r", "reader", new HashSet<string> { Roles.Reader });
        var ctx = EncryptionContext.From([new("tenant", "acme")]);

        var steps = new List<(string Op, AuditOutcome Outcome, Func<Principal, Task<CustosError?>> Run)>();
        string keyId = "";
        byte[] blob = [];
        steps.Add(("key.create", AuditOutcome.Allowed, async p =>
        {
            var r = await f.Management.CreateAsync(p, new CreateKeyCommand("audited", KeyCustody.Software, KeyPurpose.EncryptDecrypt, KeySpec.Aes256Gcm, new KeyAttributes()), None);
            keyId = r.IsSuccess ? r.Value.Id : "";
            return r.Error;
        }));
        steps.Add(("data.generate-data-key", AuditOutcome.Allowed, async p =>
        {
            var r = await f.Access.GenerateDataKeyAsync(p, "alias/audited", ctx, 32, None);
            if (r.IsSuccess) { blob = r.Value.CiphertextBlob; r.Value.Plaintext.Dispose(); }
            return r.Error;
        }));
        steps.Add(("data.decrypt", AuditOutcome.Allowed, async p => (await f.Access.DecryptAsync(p, blob, ctx, None)).Error));
        steps.Add(("data.decrypt", AuditOutcome.Failed, async p => (await f.Access.DecryptAsync(p, blob, EncryptionContext.Empty, None)).Error));
        steps.Add(("key.rotate", AuditOutcome.Allowed, async p => (await f.Management.RotateAsync(p, keyId, None)).Error));
        steps.Add(("data.rewrap", AuditOutcome.Allowed, async p => (await f.Access.RewrapAsync(p, blob, ctx, null, null, None)).Error));
        steps.Add(("key.get", AuditOutcome.Allowed, async p => (await f.Management.GetAsync(p, keyId, None)).Error));
        steps.Add(("key.list", AuditOutcome.Allowed, async p => (await f.Management.ListAsync(p, null, 10, None)).Error));
        steps.Add(("key.disable", AuditOutcome.Allowed, async p => (await f.Management.DisableAsync(p, keyId, None)).Error));
        steps.Add(("data.encrypt", AuditOutcome.Failed, async p => (await f.Access.EncryptAsync(p, keyId, new byte[] { 1 }, ctx, None)).Error));
        steps.Add(("key.cancel-destruction", AuditOutcome.Failed, async p => (await f.Management.CancelDestructionAsync(p, keyId, None)).Error));
        steps.Add(("key.enable", AuditOutcome.Denied, async _ => (await f.Management.EnableAsync(WithRequest(reader, "denied"), keyId, None)).Error));

        int n = 0;
        foreach (var (op, outcome, run) in steps)
        {
            var principal = WithRequest(f.Root, $"req-{n++}");
            await run(principal);
            var events = f.Audit.Events.Skip(before).ToList();
            Assert.True(events.Count == n, $"after {op}: {events.Count} events, expected {n}");
            var e = events[^1];
            Assert.Equal(op, e.Operation);
            Assert.Equal(outcome, e.Outcome);
            Assert.Equal(outcome == AuditOutcome.Allowed, e.ErrorCode is null);
            if (op != "key.list" && op != "key.create") Assert.Equal(keyId, e.KeyId);
            Assert.Equal("test-node", e.Node);
            Assert.Equal("192.0.2.7", e.ClientAddress);
            Assert.Equal("customer-initiated-support", e.Justification);
            Assert.Equal("TICKET-42", e.JustificationText);
            Assert.Equal(op == "key.enable" ? "denied" : $"req-{n - 1}", e.RequestId);
        }
    }

    [Fact]
    public async Task Context_values_are_recorded_only_as_keyed_hashes()
    {
        var f = new CoreFixture();
        await f.CreateKeyAsync("ctx");
        var ctx = EncryptionContext.From([new("patient", "Jane Doe 1970-01-01")]);
        var dk = await f.Access.GenerateDataKeyAsync(f.Root, "alias/ctx", ctx, 32, None);
        var e = f.Audit.Events[^1];
        Assert.NotNull(e.ContextHashes);
        Assert.Equal(44, e.ContextHashes["patient"].Length); // base64 of 32 bytes
        var json = System.Text.Encoding.UTF8.GetString(e.ToLeafData());
        Assert.DoesNotContain("Jane", json, StringComparison.Ordinal);
        Assert.Contains("\"outcome\":\"allowed\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(dk.Value.Plaintext.Reveal()), json, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(dk.Value.CiphertextBlob), json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_audit_log_fails_requests_are_refused_and_nothing_changes()
    {
        var f = new CoreFixture();
        var key = await f.CreateKeyAsync("fail-closed");
        var blob = (await f.Access.EncryptAsync(f.Root, key.Id, new byte[] { 1 }, EncryptionContext.Empty, None)).Value.CiphertextBlob;
        f.Audit.Failing = true;

        Assert.Equal(ErrorCode.AuditUnavailable, (await f.Management.RotateAsync(f.Root, key.Id, None)).Error!.Code);
        Assert.Equal(ErrorCode.AuditUnavailable, (await f.Management.DisableAsync(f.Root, key.Id, None)).Error!.Code);
        Assert.Equal(ErrorCode.AuditUnavailable, (await f.Access.DecryptAsync(f.Root, blob, EncryptionContext.Empty, None)).Error!.Code);
        Assert.Equal(ErrorCode.AuditUnavailable, (await f.Access.GenerateDataKeyAsync(f.Root, key.Id, EncryptionContext.Empty, 32, None)).Error!.Code);
        var created = await f.Management.CreateAsync(f.Root, new CreateKeyCommand("never", KeyCustody.Software, KeyPurpose.EncryptDecrypt, KeySpec.Aes256Gcm, new KeyAttributes()), None);
        Assert.Equal(ErrorCode.AuditUnavailable, created.Error!.Code);

        var stored = await f.Keys.GetAsync(key.Id, None);
        Assert.Equal(KeyState.Enabled, stored!.State);
        Assert.Single(stored.Versions);
        Assert.Null(await f.Keys.GetByAliasAsync("never", None));
        Assert.Single(f.Keystore.Destroyed, d => d.Version == 2); // the rotation's new material was dropped

        f.Audit.Failing = false;
        Assert.True((await f.Management.RotateAsync(f.Root, key.Id, None)).IsSuccess);
    }
}
