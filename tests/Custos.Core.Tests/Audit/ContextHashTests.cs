using System.Security.Cryptography;
using System.Text;
using Custos.Core.Access;
using Custos.Core.Audit;
using Custos.Core.Keys;
using Custos.Core.Ports;
using Custos.Core.Tests.Fakes;
using Custos.Crypto;
using Microsoft.Extensions.Time.Testing;

namespace Custos.Core.Tests.Audit;

/// <summary>
/// Encryption-context values are recorded as HMAC-SHA-256 under a key derived from the keyring. The recorder keeps the
/// hashes of short values it has computed; these tests pin that what it records is always the HMAC under the current
/// keyring, whether the value was seen before or not, and that nothing computed under one keyring is used under another.
/// </summary>
public sealed class ContextHashTests
{
    private sealed class FakeKeyring : IKeyringProvider
    {
        public SecretBytes? Keyring { get; set; }
        public event EventHandler? Sealed { add { } remove { } }
    }

    private static readonly Principal Caller = new("token:t", "t", new HashSet<string> { Roles.Reader });

    private static string Expected(SecretBytes ring, string value)
    {
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, ring.Reveal().ToArray(), 32, salt: [], info: "custos/audit/context-hmac/v1"u8.ToArray());
        return Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(value)));
    }

    private static IReadOnlyDictionary<string, string> Hashes(AuditRecorder recorder, params (string Key, string Value)[] pairs) =>
        recorder.Event(Caller, "data.decrypt", "k", 1, null, EncryptionContext.From([.. pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value))])).ContextHashes!;

    [Fact]
    public void Repeated_values_get_the_same_hash_as_the_first_time_and_different_values_different_hashes()
    {
        var ring = new FakeKeyring { Keyring = SecretBytes.Random(32) };
        var recorder = new AuditRecorder(new InMemoryAuditLog(), ring, new FakeTimeProvider(), new NodeIdentity("n"));
        var first = Hashes(recorder, ("tenant", "acme"), ("purpose", "billing"));
        var again = Hashes(recorder, ("tenant", "acme"), ("purpose", "billing"));
        var other = Hashes(recorder, ("tenant", "globex"), ("purpose", "billing"));
        Assert.Equal(Expected(ring.Keyring, "acme"), first["tenant"]);
        Assert.Equal(Expected(ring.Keyring, "billing"), first["purpose"]);
        Assert.Equal(first["tenant"], again["tenant"]);
        Assert.Equal(first["purpose"], again["purpose"]);
        Assert.Equal(Expected(ring.Keyring, "globex"), other["tenant"]);
        Assert.NotEqual(first["tenant"], other["tenant"]);
        // The same value under another context key hashes alike (the key is recorded in clear beside it).
        Assert.Equal(first["tenant"], Hashes(recorder, ("customer", "acme"))["customer"]);
    }

    [Fact]
    public void Long_values_and_many_distinct_values_are_still_hashed_correctly()
    {
        var ring = new FakeKeyring { Keyring = SecretBytes.Random(32) };
        var recorder = new AuditRecorder(new InMemoryAuditLog(), ring, new FakeTimeProvider(), new NodeIdentity("n"));
        var longValue = new string('x', 1000);
        Assert.Equal(Expected(ring.Keyring, longValue), Hashes(recorder, ("blob", longValue))["blob"]);
        Assert.Equal(Expected(ring.Keyring, longValue), Hashes(recorder, ("blob", longValue))["blob"]);
        // More distinct values than the recorder keeps: every one is still right, before and after it starts again.
        for (int i = 0; i < 5000; i++)
        {
            var v = "row-" + i;
            Assert.Equal(Expected(ring.Keyring, v), Hashes(recorder, ("row", v))["row"]);
        }
        Assert.Equal(Expected(ring.Keyring, "row-7"), Hashes(recorder, ("row", "row-7"))["row"]);
    }

    [Fact]
    public void A_new_keyring_gets_new_hashes_and_a_sealed_node_records_no_hash()
    {
        var ring = new FakeKeyring { Keyring = SecretBytes.Random(32) };
        var recorder = new AuditRecorder(new InMemoryAuditLog(), ring, new FakeTimeProvider(), new NodeIdentity("n"));
        var before = Hashes(recorder, ("tenant", "acme"))["tenant"];
        var old = ring.Keyring;
        ring.Keyring = SecretBytes.Random(32);
        var after = Hashes(recorder, ("tenant", "acme"))["tenant"];
        Assert.Equal(Expected(old, "acme"), before);
        Assert.Equal(Expected(ring.Keyring, "acme"), after);
        Assert.NotEqual(before, after);
        ring.Keyring = null;
        Assert.Equal("sealed", Hashes(recorder, ("tenant", "acme"))["tenant"]);
    }
}
