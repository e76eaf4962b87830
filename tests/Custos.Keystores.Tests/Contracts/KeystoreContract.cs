using System.Text;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Ports;
using Custos.Crypto;

namespace Custos.Keystores.Tests.Contracts;

/// <summary>
/// The contract every <see cref="IKeystore"/> adapter must meet (software, PKCS#11 HSM, threshold, ...).
/// A subclass supplies a fresh keystore bound to the given keyring provider; each test gets its own
/// keystore and provider (xUnit makes a new instance of the class per test), so nothing is shared.
/// </summary>
public abstract class KeystoreContract : IDisposable
{
    private static readonly byte[] Aad = Encoding.UTF8.GetBytes("aad:tenant=a");
    private static readonly byte[] OtherAad = Encoding.UTF8.GetBytes("aad:tenant=b");
    private readonly List<IKeystore> _made = [];

    /// <summary>The keyring provider of <see cref="Keystore"/>; starts unsealed.</summary>
    protected FakeKeyringProvider Keyring { get; } = new();

    /// <summary>The keystore under test.</summary>
    protected IKeystore Keystore => _keystore ??= Make(Keyring);

    private IKeystore? _keystore;

    /// <summary>A fresh keystore over <paramref name="keyring"/>; the contract disposes it when it is disposable.</summary>
    protected abstract IKeystore CreateKeystore(IKeyringProvider keyring);

    /// <summary>A fresh keystore, disposed with the test.</summary>
    protected IKeystore Make(IKeyringProvider keyring)
    {
        var k = CreateKeystore(keyring);
        _made.Add(k);
        return k;
    }

    /// <summary>Creates a version and returns its reference.</summary>
    protected async Task<KeyVersionRef> NewVersionAsync(string? keyId = null, int version = 1, IKeystore? keystore = null)
    {
        keyId ??= Guid.CreateVersion7().ToString("D");
        var handle = await (keystore ?? Keystore).CreateKeyAsync(keyId, version, KeySpec.Aes256Gcm, Ct);
        return new KeyVersionRef(keyId, version, KeySpec.Aes256Gcm, handle);
    }

    /// <summary>The test's cancellation token.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Encrypt_then_decrypt_round_trips()
    {
        var v = await NewVersionAsync();
        byte[] plaintext = [1, 2, 3, 4, 5];

        var ciphertext = await Keystore.EncryptAsync(v, plaintext, Aad, Ct);
        using var opened = await Keystore.DecryptAsync(v, ciphertext, Aad, Ct);

        Assert.NotNull(opened);
        Assert.Equal(plaintext, opened.Reveal().ToArray());
        Assert.False(ciphertext.AsSpan().IndexOf(plaintext) >= 0, "the ciphertext must not contain the plaintext");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4096)]
    public async Task Round_trips_every_allowed_size(int size)
    {
        var v = await NewVersionAsync();
        var plaintext = new byte[size];
        Random.Shared.NextBytes(plaintext);

        using var opened = await Keystore.DecryptAsync(v, await Keystore.EncryptAsync(v, plaintext, Aad, Ct), Aad, Ct);

        Assert.Equal(plaintext, opened!.Reveal().ToArray());
    }

    [Fact]
    public async Task Encrypting_twice_gives_different_ciphertexts()
    {
        var v = await NewVersionAsync();

        var a = await Keystore.EncryptAsync(v, new byte[16], Aad, Ct);
        var b = await Keystore.EncryptAsync(v, new byte[16], Aad, Ct);

        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task Aad_is_bound_other_aad_returns_null()
    {
        var v = await NewVersionAsync();
        var ciphertext = await Keystore.EncryptAsync(v, new byte[] { 42 }, Aad, Ct);

        Assert.Null(await Keystore.DecryptAsync(v, ciphertext, OtherAad, Ct));
        Assert.Null(await Keystore.DecryptAsync(v, ciphertext, ReadOnlyMemory<byte>.Empty, Ct));
    }

    [Fact]
    public async Task Tampered_ciphertext_returns_null_at_every_position()
    {
        var v = await NewVersionAsync();
        var ciphertext = await Keystore.EncryptAsync(v, new byte[] { 1, 2, 3 }, Aad, Ct);

        for (int i = 0; i < ciphertext.Length; i++)
        {
            var tampered = (byte[])ciphertext.Clone();
            tampered[i] ^= 0x01;
            Assert.Null(await Keystore.DecryptAsync(v, tampered, Aad, Ct));
        }
    }

    [Fact]
    public async Task Truncated_or_empty_ciphertext_returns_null()
    {
        var v = await NewVersionAsync();
        var ciphertext = await Keystore.EncryptAsync(v, new byte[] { 1, 2, 3 }, Aad, Ct);

        Assert.Null(await Keystore.DecryptAsync(v, ciphertext.AsMemory(0, ciphertext.Length - 1), Aad, Ct));
        Assert.Null(await Keystore.DecryptAsync(v, ciphertext.AsMemory(0, 5), Aad, Ct));
        Assert.Null(await Keystore.DecryptAsync(v, ReadOnlyMemory<byte>.Empty, Aad, Ct));
    }

    [Fact]
    public async Task Another_versions_handle_cannot_decrypt()
    {
        var keyId = Guid.CreateVersion7().ToString("D");
        var v1 = await NewVersionAsync(keyId, 1);
        var v2 = await NewVersionAsync(keyId, 2);
        var ciphertext = await Keystore.EncryptAsync(v1, new byte[] { 7 }, Aad, Ct);

        Assert.Null(await Keystore.DecryptAsync(v2, ciphertext, Aad, Ct));
        using var opened = await Keystore.DecryptAsync(v1, ciphertext, Aad, Ct);
        Assert.Equal(new byte[] { 7 }, opened!.Reveal().ToArray());
    }

    [Fact]
    public async Task Another_keys_handle_cannot_decrypt()
    {
        var a = await NewVersionAsync();
        var b = await NewVersionAsync();
        var ciphertext = await Keystore.EncryptAsync(a, new byte[] { 7 }, Aad, Ct);

        Assert.Null(await Keystore.DecryptAsync(b, ciphertext, Aad, Ct));
    }

    [Fact]
    public async Task Two_creates_give_different_handles()
    {
        var keyId = Guid.CreateVersion7().ToString("D");

        var a = await Keystore.CreateKeyAsync(keyId, 1, KeySpec.Aes256Gcm, Ct);
        var b = await Keystore.CreateKeyAsync(keyId, 1, KeySpec.Aes256Gcm, Ct);

        Assert.NotEmpty(a);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task Destroy_is_idempotent()
    {
        var v = await NewVersionAsync();
        await Keystore.EncryptAsync(v, new byte[] { 1 }, Aad, Ct);

        await Keystore.DestroyKeyAsync(v, Ct);
        await Keystore.DestroyKeyAsync(v, Ct);
    }

    [Fact]
    public async Task Destroying_a_never_used_version_is_fine()
    {
        var v = await NewVersionAsync();

        await Keystore.DestroyKeyAsync(v, Ct);
    }

    [Fact]
    public async Task Sealed_keystore_refuses_create()
    {
        using var sealedKeyring = new FakeKeyringProvider(unsealed: false);
        var keystore = Make(sealedKeyring);

        await Assert.ThrowsAsync<CustosUnavailableException>(() =>
            keystore.CreateKeyAsync(Guid.CreateVersion7().ToString("D"), 1, KeySpec.Aes256Gcm, Ct).AsTask());
    }

    [Fact]
    public async Task Sealed_keystore_refuses_encrypt_and_decrypt_of_unopened_keys()
    {
        var v = await NewVersionAsync();
        var ciphertext = await Make(Keyring).EncryptAsync(v, new byte[] { 1 }, Aad, Ct);
        Keyring.Seal();
        var fresh = Make(Keyring);

        await Assert.ThrowsAsync<CustosUnavailableException>(() => fresh.EncryptAsync(v, new byte[] { 1 }, Aad, Ct).AsTask());
        await Assert.ThrowsAsync<CustosUnavailableException>(() => fresh.DecryptAsync(v, ciphertext, Aad, Ct).AsTask());
    }

    [Fact]
    public async Task After_the_sealed_event_opened_keys_are_dropped()
    {
        var v = await NewVersionAsync();
        var ciphertext = await Keystore.EncryptAsync(v, new byte[] { 1 }, Aad, Ct);
        (await Keystore.DecryptAsync(v, ciphertext, Aad, Ct))!.Dispose(); // the key is now open

        Keyring.Seal();

        await Assert.ThrowsAsync<CustosUnavailableException>(() => Keystore.EncryptAsync(v, new byte[] { 1 }, Aad, Ct).AsTask());
        await Assert.ThrowsAsync<CustosUnavailableException>(() => Keystore.DecryptAsync(v, ciphertext, Aad, Ct).AsTask());
    }

    [Fact]
    public async Task A_handle_made_under_another_keyring_fails_with_an_invariant_error()
    {
        using var otherKeyring = new FakeKeyringProvider();
        var other = Make(otherKeyring);
        var foreign = await NewVersionAsync(keystore: other);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Keystore.EncryptAsync(foreign, new byte[] { 1 }, Aad, Ct).AsTask());
        Assert.StartsWith("invariant violated:", e.Message);
        Assert.Contains(foreign.KeyId, e.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Keystore.DecryptAsync(foreign, new byte[40], Aad, Ct).AsTask());
    }

    [Fact]
    public async Task A_handle_presented_for_another_version_fails_with_an_invariant_error()
    {
        var v1 = await NewVersionAsync();
        var misfiled = v1 with { Version = 2 };

        await Assert.ThrowsAsync<InvalidOperationException>(() => Keystore.EncryptAsync(misfiled, new byte[] { 1 }, Aad, Ct).AsTask());
    }

    [Fact]
    public async Task Concurrent_encrypt_and_decrypt_on_one_key_all_succeed()
    {
        var v = await NewVersionAsync();
        const int threads = 8, pairs = 500;

        var tasks = Enumerable.Range(0, threads).Select(t => Task.Run(async () =>
        {
            var plaintext = new byte[32];
            for (int i = 0; i < pairs; i++)
            {
                Random.Shared.NextBytes(plaintext);
                var ciphertext = await Keystore.EncryptAsync(v, plaintext, Aad, Ct);
                using var opened = await Keystore.DecryptAsync(v, ciphertext, Aad, Ct);
                if (opened is null || !opened.Reveal().SequenceEqual(plaintext))
                    throw new InvalidOperationException($"thread {t} pair {i} did not round-trip");
            }
        }, Ct));

        await Task.WhenAll(tasks);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var k in _made) (k as IDisposable)?.Dispose();
        Keyring.Dispose();
        GC.SuppressFinalize(this);
    }
}
