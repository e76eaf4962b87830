using Custos.Core.Keys;
using Custos.Core.Ports;
using Custos.Crypto;
using Custos.Crypto.Primitives;

namespace Custos.Core.Tests.Fakes;

/// <summary>A keystore fake: the "material handle" is the key itself (fine for a fake, never for a real keystore).</summary>
public sealed class FakeKeystore(string name = "fake", KeyCustody custody = KeyCustody.Software) : IKeystore
{
    public List<(string KeyId, int Version)> Destroyed { get; } = [];
    public string Name => name;
    public KeyCustody Custody => custody;

    public ValueTask<byte[]> CreateKeyAsync(string keyId, int version, KeySpec spec, CancellationToken cancellationToken) =>
        ValueTask.FromResult(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public ValueTask<byte[]> EncryptAsync(KeyVersionRef version, ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> aad, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Aead.Seal(version.Material, plaintext.Span, aad.Span));

    public ValueTask<SecretBytes?> DecryptAsync(KeyVersionRef version, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> aad, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Aead.Open(version.Material, ciphertext.Span, aad.Span));

    public ValueTask DestroyKeyAsync(KeyVersionRef version, CancellationToken cancellationToken)
    {
        Destroyed.Add((version.KeyId, version.Version));
        return ValueTask.CompletedTask;
    }

    /// <summary>Attests which version it was asked about, so tests can tell the facts are per version.</summary>
    public ValueTask<IReadOnlyDictionary<string, string>?> GetEvidenceAsync(KeyVersionRef version, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyDictionary<string, string>?>(new Dictionary<string, string>
        {
            ["fake.version"] = $"{version.KeyId}/v{version.Version}",
            ["fake.local"] = "true",
        });
}

/// <summary>A registry holding given keystores.</summary>
public sealed class FakeRegistry(params IKeystore[] keystores) : IKeystoreRegistry
{
    /// <summary>When set, new keys (and new versions) of its custody go there (a configuration change moving new material to another keystore).</summary>
    public IKeystore? NewMaterialIn { get; set; }

    public IKeystore? ForCustody(KeyCustody custody) =>
        NewMaterialIn is { } moved && moved.Custody == custody ? moved : keystores.FirstOrDefault(k => k.Custody == custody);
    public IKeystore? ByName(string name) => keystores.FirstOrDefault(k => k.Name == name);
}
