using Custos.Core.Access;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Service;
using Custos.Core.Tests.Fakes;
using Custos.Crypto;

namespace Custos.Core.Tests.Service;

public sealed class KeyServicesTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static EncryptionContext Ctx(string v) => EncryptionContext.From([new("tenant", v)]);

    [Fact]
    public async Task Generated_data_keys_decrypt_to_the_same_bytes_with_the_same_context_only()
    {
        var f = new CoreFixture();
        var key = await f.CreateKeyAsync();
        var dk = (await f.Access.GenerateDataKeyAsync(f.Root, "alias/app", Ctx("a"), 32, None)).Value;
        var back = await f.Access.DecryptAsync(f.Root, dk.CiphertextBlob, Ctx("a"), None);
        Assert.True(back.IsSuccess);
        Assert.True(dk.Plaintext.Equals(back.Value.Plaintext));
        Assert.Equal((key.Id, 1), (back.Value.KeyId, back.Value.KeyVersion));

        var wrongContext = await f.Access.DecryptAsync(f.Root, dk.CiphertextBlob, Ctx("b"), None);
        Assert.Equal(ErrorCode.InvalidCiphertext, wrongContext.Error!.Code);
        var flipped = dk.CiphertextBlob.ToArray();
        flipped[^1] ^= 1;
        Assert.Equal(CustosError.InvalidCiphertext, (await f.Access.DecryptAsync(f.Root, flipped, Ctx("a"), None)).Error);
        Assert.Equal(CustosError.InvalidCiphertext, (await f.Access.DecryptAsync(f.Root, new byte[] { 1, 2, 3 }, Ctx("a"), None)).Error);
    }

    [Fact]
    public async Task Each_version_keeps_what_its_keystore_attested_when_it_was_made()
    {
        var f = new CoreFixture();
        var key = await f.CreateKeyAsync();
        var rotated = (await f.Management.RotateAsync(f.Root, key.Id, None)).Value;

        Assert.Equal($"{key.Id}/v1", rotated.Versions[0].Evidence!["fake.version"]);
        Assert.Equal($"{key.Id}/v2", rotated.Versions[1].Evidence!["fake.version"]);
        Assert.Equal("true", rotated.Versions[1].Evidence!["fake.local"]);
    }

    [Fact]
    public async Task After_rotation_new_blobs_use_the_new_version_and_old_blobs_still_decrypt()
    {
        var f = new CoreFixture();
        var key = await f.CreateKeyAsync();
        var old = (await f.Access.EncryptAsync(f.Root, key.Id, new byte[] { 42 }, EncryptionContext.Empty, None)).Value;
        var rotated = await f.Management.RotateAsync(f.Root, "alias/app", None);
        Assert.Equal(2, rotated.Value.PrimaryVersion);
        var fresh = (await f.Access.EncryptAsync(f.Root, key.Id, new byte[] { 43 }, EncryptionContext.Empty, None)).Value;
        Assert.Equal(2, fresh.KeyVersion);
        Assert.Equal(1, (await f.Access.DecryptAsync(f.Root, old.CiphertextBlob, EncryptionContext.Empty, None)).Value.KeyVersion);

        var rewrapped = await f.Access.RewrapAsync(f.Root, old.CiphertextBlob, EncryptionContext.Empty, null, Ctx("x"), None);
        Assert.Equal((2, 1), (rewrapped.Value.KeyVersion, rewrapped.Value.SourceKeyVersion));
        var d = await f.Access.DecryptAsync(f.Root, rewrapped.Value.CiphertextBlob, Ctx("x"), None);
        Assert.Equal(new byte[] { 42 }, d.Value.Plaintext.Reveal().ToArray());
    }

    [Fact]
    public async Task Disable_blocks_decrypt_with_a_clear_error_and_enable_restores_it()
    {
        var f = new CoreFixture();
        var key = await f.CreateKeyAsync();
        var blob = (await f.Access.EncryptAsync(f.Root, key.Id, new byte[] { 1 }, EncryptionContext.Empty, None)).Value.CiphertextBlob;
        await f.Management.DisableAsync(f.Root, key.Id, None);
        var refused = await f.Access.DecryptAsync(f.Root, blob, EncryptionContext.Empty, None);
        Assert.Equal(ErrorCode.KeyDisabled, refused.Error!.Code);
        Assert.Contains("disabled", refused.Error.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.KeyDisabled, (await f.Access.GenerateDataKeyAsync(f.Root, key.Id, EncryptionContext.Empty, 32, None)).Error!.Code);
        await f.Management.EnableAsync(f.Root, key.Id, None);
        Assert.True((await f.Access.DecryptAsync(f.Root, blob, EncryptionContext.Empty, None)).IsSuccess);
    }

    [Fact]
    public async Task Scheduled_destruction_blocks_use_cancel_restores_and_maintenance_destroys_after_the_wait()
    {
        var f = new CoreFixture();
        var key = await f.CreateKeyAsync();
        var blob = (await f.Access.EncryptAsync(f.Root, key.Id, new byte[] { 1 }, EncryptionContext.Empty, None)).Value.CiphertextBlob;
        await f.Management.ScheduleDestructionAsync(f.Root, key.Id, 7, None);
        Assert.Equal(ErrorCode.KeyPendingDestruction, (await f.Access.DecryptAsync(f.Root, blob, EncryptionContext.Empty, None)).Error!.Code);
        await f.Management.CancelDestructionAsync(f.Root, key.Id, None);
        Assert.True((await f.Access.DecryptAsync(f.Root, blob, EncryptionContext.Empty, None)).IsSuccess);

        await f.Management.ScheduleDestructionAsync(f.Root, key.Id, 7, None);
        f.Time.Advance(TimeSpan.FromDays(6));
        Assert.Equal((0, 0), await f.Maintenance.RunOnceAsync(None));
        f.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal((1, 0), await f.Maintenance.RunOnceAsync(None));
        var stored = await f.Keys.GetAsync(key.Id, None);
        Assert.Equal(KeyState.Destroyed, stored!.State);
        Assert.Null(stored.Versions[0].Material);
        Assert.Contains((key.Id, 1), f.Keystore.Destroyed);
        Assert.Equal(ErrorCode.InvalidKeyState, (await f.Management.CancelDestructionAsync(f.Root, key.Id, None)).Error!.Code);
    }

    [Fact]
    public async Task Maintenance_rotates_keys_whose_period_elapsed()
    {
        var f = new CoreFixture();
        var key = await f.CreateKeyAsync(rotationDays: 30);
        await f.CreateKeyAsync(alias: "manual");
        f.Time.Advance(TimeSpan.FromDays(30));
        Assert.Equal((0, 1), await f.Maintenance.RunOnceAsync(None));
        Assert.Equal(2, (await f.Keys.GetAsync(key.Id, None))!.PrimaryVersion);
        Assert.Equal((0, 0), await f.Maintenance.RunOnceAsync(None));
    }

    [Fact]
    public async Task Sealed_server_refuses_everything_with_the_sealed_error()
    {
        var f = new CoreFixture();
        var key = await f.CreateKeyAsync();
        f.Seal.Seal();
        Assert.Equal(ErrorCode.Sealed, (await f.Access.EncryptAsync(f.Root, key.Id, new byte[] { 1 }, EncryptionContext.Empty, None)).Error!.Code);
        Assert.Equal(ErrorCode.Sealed, (await f.Management.RotateAsync(f.Root, key.Id, None)).Error!.Code);
        Assert.Equal((0, 0), await f.Maintenance.RunOnceAsync(None));
    }

    [Fact]
    public async Task Scopes_limit_what_a_token_may_do()
    {
        var f = new CoreFixture();
        var key = await f.CreateKeyAsync();
        var reader = new Principal("t", "reader", new HashSet<string> { Roles.Reader });
        var user = new Principal("u", "app", new HashSet<string> { Roles.KeyUser });
        Assert.Equal(ErrorCode.Forbidden, (await f.Access.EncryptAsync(reader, key.Id, new byte[] { 1 }, EncryptionContext.Empty, None)).Error!.Code);
        Assert.Equal(ErrorCode.Forbidden, (await f.Management.DisableAsync(user, key.Id, None)).Error!.Code);
        Assert.True((await f.Access.EncryptAsync(user, key.Id, new byte[] { 1 }, EncryptionContext.Empty, None)).IsSuccess);
        Assert.True((await f.Management.GetAsync(reader, key.Id, None)).IsSuccess);
    }

    [Fact]
    public async Task Aliases_are_unique_and_validated()
    {
        var f = new CoreFixture();
        await f.CreateKeyAsync("dup");
        var second = await f.Management.CreateAsync(f.Root, new CreateKeyCommand("dup", KeyCustody.Software, KeyPurpose.EncryptDecrypt, KeySpec.Aes256Gcm, new KeyAttributes()), None);
        Assert.Equal(ErrorCode.AliasAlreadyExists, second.Error!.Code);
        var bad = await f.Management.CreateAsync(f.Root, new CreateKeyCommand("no spaces", KeyCustody.Software, KeyPurpose.EncryptDecrypt, KeySpec.Aes256Gcm, new KeyAttributes()), None);
        Assert.Equal(ErrorCode.ValidationFailed, bad.Error!.Code);
        var hsm = await f.Management.CreateAsync(f.Root, new CreateKeyCommand(null, KeyCustody.Hsm, KeyPurpose.EncryptDecrypt, KeySpec.Aes256Gcm, new KeyAttributes()), None);
        Assert.Equal(ErrorCode.CustodyUnavailable, hsm.Error!.Code);
    }

    [Fact]
    public async Task A_concurrent_change_is_retried_on_fresh_state()
    {
        var f = new CoreFixture();
        var key = await f.CreateKeyAsync();
        f.Keys.ConflictsToInject = 2;
        var rotated = await f.Management.RotateAsync(f.Root, key.Id, None);
        Assert.True(rotated.IsSuccess);
        Assert.Equal(2, (await f.Keys.GetAsync(key.Id, None))!.Versions.Count);
        Assert.Equal(2, f.Keystore.Destroyed.Count); // the material of the two lost attempts was dropped
    }

    [Fact]
    public async Task Encrypt_limits_plaintext_to_4_KiB()
    {
        var f = new CoreFixture();
        var key = await f.CreateKeyAsync();
        Assert.True((await f.Access.EncryptAsync(f.Root, key.Id, new byte[4096], EncryptionContext.Empty, None)).IsSuccess);
        Assert.Equal(ErrorCode.ValidationFailed, (await f.Access.EncryptAsync(f.Root, key.Id, new byte[4097], EncryptionContext.Empty, None)).Error!.Code);
        Assert.Equal(ErrorCode.ValidationFailed, (await f.Access.EncryptAsync(f.Root, key.Id, Array.Empty<byte>(), EncryptionContext.Empty, None)).Error!.Code);
    }
}
