using System.Security.Cryptography;
using Custos.Crypto.Envelope;

namespace Custos.Crypto.Tests.Envelope;

/// <summary>
/// Pins the exact bytes of format version 1 (the vectors in docs/envelope-format.md, "Test vectors").
/// The expected values were produced by an independent implementation of the spec (Python, pyca/cryptography).
/// </summary>
public sealed class EnvelopeKnownAnswerTests
{
    private const string Header =
        "43555345010001202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f00001000" +
        "00020007707572706f7365000b746573742d766563746f72000674656e616e74000461636d65" +
        "020b65752d776573742f6b656b00000001000e777261707065642d64656b2d6575" +
        "0d63682d7a75726963682f6b656b00000007000e777261707065642d64656b2d6368" +
        "35689e267e2b687a6612fe13e160ae45ce6b8130b9549be3cf9013285783c8f4" +
        "a7712ab45dd25d87a24179530fd2a75b";

    private const string Vector1 = Header +
        "01000000010000001f8890aee240c4bb8908c3bbb6cb6e8fe0d0502b9b5ceab7daba78620c0f8d6f90fc9e70d123ae59009b18b107928727";

    private const string Vector0 = Header + "010000000100000000acf8faf0e112496fa6160c8336e0dfd0";

    private const string Vector2Sha256 = "d11d5aeb9f985a1242e80bcc20554a67d0ac21d379cf7399fe49dcb9d9813391";

    private static SecretBytes Dek() => SecretBytes.CopyFrom(Enumerable.Range(0x00, 32).Select(i => (byte)i).ToArray());
    private static byte[] MessageId() => Enumerable.Range(0x20, 32).Select(i => (byte)i).ToArray();
    private static EncryptionContext Context() => EncryptionContext.From(new Dictionary<string, string> { ["tenant"] = "acme", ["purpose"] = "test-vector" });
    private static WrappedKey[] Keys() => [new("eu-west/kek", 1, "wrapped-dek-eu"u8), new("ch-zurich/kek", 7, "wrapped-dek-ch"u8)];
    private static byte[] Plaintext2() => Enumerable.Range(0, 8193).Select(i => (byte)(i % 251)).ToArray();

    public static TheoryData<string> Vectors() => ["vector 0 (empty)", "vector 1 (one frame)", "vector 2 (three frames)"];

    private static (byte[] Plaintext, Func<byte[], bool> Matches) Case(string name) => name switch
    {
        "vector 0 (empty)" => ([], e => Convert.ToHexStringLower(e) == Vector0),
        "vector 1 (one frame)" => ("Custos envelope v1 test vector."u8.ToArray(), e => Convert.ToHexStringLower(e) == Vector1),
        _ => (Plaintext2(), e => e.Length == 8464 && Convert.ToHexStringLower(SHA256.HashData(e)) == Vector2Sha256),
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task Encryption_produces_the_exact_bytes(string name)
    {
        var (plaintext, matches) = Case(name);
        using var dek = Dek();

        var inMemory = EnvelopeEncryptor.Encrypt(plaintext, dek, Keys(), Context(), 4096, MessageId());
        using var output = new MemoryStream();
        await EnvelopeEncryptor.EncryptAsync(new NonSeekableStream(plaintext), output, dek, Keys(), Context(), 4096, MessageId(),
            TestContext.Current.CancellationToken);

        Assert.True(matches(inMemory), Convert.ToHexStringLower(inMemory));
        Assert.Equal(inMemory, output.ToArray());
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task Decryption_of_the_vectors_gives_the_plaintext(string name)
    {
        var (plaintext, _) = Case(name);
        using var dek = Dek();
        var envelope = EnvelopeEncryptor.Encrypt(plaintext, dek, Keys(), Context(), 4096, MessageId());

        Assert.Equal(plaintext, EnvelopeDecryptor.Decrypt(envelope, dek, Context()));
        Assert.Equal(plaintext, await EnvelopeTestData.DecryptStreamAsync(envelope, dek, Context()));
    }

    [Fact]
    public void Vector_1_decrypts_from_its_hex()
    {
        using var dek = Dek();
        var envelope = Convert.FromHexString(Vector1);
        var header = EnvelopeHeader.Parse(envelope, out int headerLength);

        Assert.Equal(196, headerLength);
        Assert.Equal(MessageId(), header.MessageId.ToArray());
        Assert.Equal(Keys(), header.WrappedKeys);
        Assert.Equal("Custos envelope v1 test vector."u8.ToArray(), EnvelopeDecryptor.Decrypt(envelope, dek, Context()));
    }
}
