using System.Net;
using System.Text.Json;
using Custos.Server.Tests.Support;

namespace Custos.Server.Tests.Api.Rest.DataPlane;

public sealed class DataPlaneTests : ServerTest
{
    private static readonly Dictionary<string, string> Context = new() { ["tenant"] = "acme", ["purpose"] = "test" };

    [Fact]
    public async Task Generate_data_key_then_decrypt_gives_the_same_plaintext()
    {
        var id = await CreateKeyIdAsync();

        var response = await PostAsync(Root, $"/v1/keys/{id}/generate-data-key", new { encryptionContext = Context });
        var dek = await OkAsync(response);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var plaintext = dek.GetProperty("plaintext").GetBytesFromBase64();
        Assert.Equal(32, plaintext.Length);
        Assert.Equal(1, dek.GetProperty("keyVersion").GetInt32());

        var decrypted = await OkAsync(await PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = dek.GetProperty("ciphertextBlob").GetBytesFromBase64(), encryptionContext = Context }));

        Assert.Equal(plaintext, decrypted.GetProperty("plaintext").GetBytesFromBase64());
        Assert.Equal(id, decrypted.GetProperty("keyId").GetString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1024)]
    public async Task Generate_data_key_sizes(int numberOfBytes)
    {
        var id = await CreateKeyIdAsync();

        var dek = await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/generate-data-key", new { numberOfBytes }));

        Assert.Equal(numberOfBytes, dek.GetProperty("plaintext").GetBytesFromBase64().Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1025)]
    public async Task Generate_data_key_size_out_of_range_is_400(int numberOfBytes)
    {
        var id = await CreateKeyIdAsync();

        await ProblemAsync(await PostAsync(Root, $"/v1/keys/{id}/generate-data-key", new { numberOfBytes }), HttpStatusCode.BadRequest, "validation-failed");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    public async Task Encrypt_then_decrypt_round_trips(int size)
    {
        var id = await CreateKeyIdAsync("round-trip");
        var plaintext = new byte[size];
        Random.Shared.NextBytes(plaintext);

        var blob = await EncryptAsync(size == 1 ? "alias/round-trip" : id, plaintext, Context);
        var response = await PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = blob, encryptionContext = Context });
        var decrypted = await OkAsync(response);

        Assert.Equal(plaintext, decrypted.GetProperty("plaintext").GetBytesFromBase64());
        Assert.Equal(1, decrypted.GetProperty("keyVersion").GetInt32());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Encrypt_by_alias_route()
    {
        var id = await CreateKeyIdAsync("by-alias");

        var encrypted = await OkAsync(await PostAsync(Root, "/v1/keys/alias/by-alias/encrypt", new { plaintext = new byte[] { 1, 2 } }));

        Assert.Equal(id, encrypted.GetProperty("keyId").GetString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4097)]
    public async Task Encrypt_of_0_or_more_than_4096_bytes_is_400(int size)
    {
        var id = await CreateKeyIdAsync();

        var problem = await ProblemAsync(await PostAsync(Root, $"/v1/keys/{id}/encrypt", new { plaintext = new byte[size] }), HttpStatusCode.BadRequest, "validation-failed");

        Assert.Contains("4096", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Context_mismatch_is_400_invalid_ciphertext_without_detail()
    {
        var id = await CreateKeyIdAsync();
        var blob = await EncryptAsync(id, [1, 2, 3], Context);

        foreach (var other in new object?[] { null, new Dictionary<string, string> { ["tenant"] = "other", ["purpose"] = "test" }, new Dictionary<string, string> { ["tenant"] = "acme" } })
        {
            var problem = await ProblemAsync(await PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = blob, encryptionContext = other }), HttpStatusCode.BadRequest, "invalid-ciphertext");
            Assert.Equal("invalid ciphertext", problem.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task Every_decryption_failure_looks_the_same()
    {
        var id = await CreateKeyIdAsync();
        var blob = await EncryptAsync(id, [1, 2, 3], Context);
        var reference = Shape(await ProblemAsync(await PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = blob }), HttpStatusCode.BadRequest, "invalid-ciphertext"));

        for (int i = 0; i < blob.Length; i++)
        {
            var flipped = (byte[])blob.Clone();
            flipped[i] ^= 0x01;
            var response = await PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = flipped, encryptionContext = Context });
            var shape = Shape(await ProblemAsync(response, HttpStatusCode.BadRequest, "invalid-ciphertext"));
            Assert.True(reference == shape, $"flipping byte {i} gave {shape}, not {reference}");
        }
        foreach (var junk in new[] { blob[..10], blob[..(blob.Length - 1)], [.. blob, 0], new byte[] { 0x43, 0x42, 1 }, new byte[] { 0 } })
        {
            var shape = Shape(await ProblemAsync(await PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = junk, encryptionContext = Context }), HttpStatusCode.BadRequest, "invalid-ciphertext"));
            Assert.Equal(reference, shape);
        }
    }

    [Fact]
    public async Task A_blob_naming_an_unknown_key_looks_like_any_other_failure()
    {
        var id = await CreateKeyIdAsync();
        var blob = await EncryptAsync(id, [1], Context);
        var other = Guid.CreateVersion7().ToString("D");
        var forged = (byte[])blob.Clone();
        System.Text.Encoding.ASCII.GetBytes(other).CopyTo(forged, 4);

        var problem = await ProblemAsync(await PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = forged, encryptionContext = Context }), HttpStatusCode.BadRequest, "invalid-ciphertext");

        Assert.Equal("invalid ciphertext", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Disabled_key_is_409_key_disabled_for_encrypt_and_decrypt()
    {
        var id = await CreateKeyIdAsync();
        var blob = await EncryptAsync(id, [1]);
        await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/disable", null));

        var encrypt = await ProblemAsync(await PostAsync(Root, $"/v1/keys/{id}/encrypt", new { plaintext = new byte[] { 1 } }), HttpStatusCode.Conflict, "key-disabled");
        var decrypt = await ProblemAsync(await PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = blob }), HttpStatusCode.Conflict, "key-disabled");

        Assert.Contains("disabled", encrypt.GetProperty("detail").GetString());
        Assert.Contains(id, encrypt.GetProperty("detail").GetString());
        Assert.Contains("disabled", decrypt.GetProperty("detail").GetString());
        await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/enable", null));
        await OkAsync(await PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = blob }));
    }

    [Fact]
    public async Task Pending_destruction_key_is_409()
    {
        var id = await CreateKeyIdAsync();
        var blob = await EncryptAsync(id, [1]);
        await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/schedule-destruction", null));

        await ProblemAsync(await PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = blob }), HttpStatusCode.Conflict, "key-pending-destruction");
        await ProblemAsync(await PostAsync(Root, $"/v1/keys/{id}/generate-data-key", null), HttpStatusCode.Conflict, "key-pending-destruction");
    }

    [Fact]
    public async Task Old_blobs_still_decrypt_after_rotation_and_new_ones_use_version_2()
    {
        var id = await CreateKeyIdAsync();
        var old = await EncryptAsync(id, [1, 2]);
        await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/rotate", null));

        var encrypted = await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/encrypt", new { plaintext = new byte[] { 3 } }));

        Assert.Equal(2, encrypted.GetProperty("keyVersion").GetInt32());
        Assert.Equal(1, (await OkAsync(await PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = old }))).GetProperty("keyVersion").GetInt32());
    }

    [Fact]
    public async Task Rewrap_after_rotation_gives_a_version_2_blob_with_the_destination_context()
    {
        var id = await CreateKeyIdAsync();
        var blob = await EncryptAsync(id, [9, 8, 7], Context);
        await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/rotate", null));
        var destination = new Dictionary<string, string> { ["tenant"] = "acme", ["moved"] = "yes" };

        var rewrapped = await OkAsync(await PostAsync(Root, "/v1/rewrap", new { ciphertextBlob = blob, encryptionContext = Context, destinationEncryptionContext = destination }));

        Assert.Equal(2, rewrapped.GetProperty("keyVersion").GetInt32());
        Assert.Equal(1, rewrapped.GetProperty("sourceKeyVersion").GetInt32());
        Assert.Equal(id, rewrapped.GetProperty("sourceKeyId").GetString());
        var newBlob = rewrapped.GetProperty("ciphertextBlob").GetBytesFromBase64();
        var decrypted = await OkAsync(await PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = newBlob, encryptionContext = destination }));
        Assert.Equal(new byte[] { 9, 8, 7 }, decrypted.GetProperty("plaintext").GetBytesFromBase64());
        Assert.Equal(2, decrypted.GetProperty("keyVersion").GetInt32());
        await ProblemAsync(await PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = newBlob, encryptionContext = Context }), HttpStatusCode.BadRequest, "invalid-ciphertext");
    }

    [Fact]
    public async Task Rewrap_without_destination_context_keeps_the_source_context()
    {
        var id = await CreateKeyIdAsync();
        var blob = await EncryptAsync(id, [5], Context);

        var rewrapped = await OkAsync(await PostAsync(Root, "/v1/rewrap", new { ciphertextBlob = blob, encryptionContext = Context }));

        await OkAsync(await PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = rewrapped.GetProperty("ciphertextBlob").GetBytesFromBase64(), encryptionContext = Context }));
    }

    [Theory]
    [InlineData("alias/other")]
    [InlineData(null)]
    public async Task Rewrap_to_another_key(string? destinationKey)
    {
        var source = await CreateKeyIdAsync();
        var target = await CreateKeyIdAsync("other");
        destinationKey ??= target;
        var blob = await EncryptAsync(source, [4, 2], Context);

        var rewrapped = await OkAsync(await PostAsync(Root, "/v1/rewrap", new { ciphertextBlob = blob, encryptionContext = Context, destinationKey }));

        Assert.Equal(target, rewrapped.GetProperty("keyId").GetString());
        Assert.Equal(source, rewrapped.GetProperty("sourceKeyId").GetString());
        var decrypted = await OkAsync(await PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = rewrapped.GetProperty("ciphertextBlob").GetBytesFromBase64(), encryptionContext = Context }));
        Assert.Equal(target, decrypted.GetProperty("keyId").GetString());
        Assert.Equal(new byte[] { 4, 2 }, decrypted.GetProperty("plaintext").GetBytesFromBase64());
    }

    [Fact]
    public async Task Rewrap_with_wrong_source_context_is_invalid_ciphertext()
    {
        var id = await CreateKeyIdAsync();
        var blob = await EncryptAsync(id, [5], Context);

        var problem = await ProblemAsync(await PostAsync(Root, "/v1/rewrap", new { ciphertextBlob = blob }), HttpStatusCode.BadRequest, "invalid-ciphertext");

        Assert.Equal("invalid ciphertext", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Rewrap_to_an_unknown_key_is_404()
    {
        var id = await CreateKeyIdAsync();
        var blob = await EncryptAsync(id, [5]);

        await ProblemAsync(await PostAsync(Root, "/v1/rewrap", new { ciphertextBlob = blob, destinationKey = "alias/nobody" }), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Encrypt_response_is_not_secret_but_plaintext_responses_are_no_store()
    {
        var id = await CreateKeyIdAsync();
        var blob = await EncryptAsync(id, [1]);

        var decrypt = await PostAsync(Root, "/v1/decrypt", new { ciphertextBlob = blob });
        var dek = await PostAsync(Root, $"/v1/keys/{id}/generate-data-key", null);

        Assert.True(decrypt.Headers.CacheControl?.NoStore);
        Assert.True(dek.Headers.CacheControl?.NoStore);
    }

    private static string Shape(JsonElement problem) =>
        $"{problem.GetProperty("status").GetInt32()}|{problem.GetProperty("type").GetString()}|{problem.GetProperty("title").GetString()}|{problem.GetProperty("detail").GetString()}";
}
