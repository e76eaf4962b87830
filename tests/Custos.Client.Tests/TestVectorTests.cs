using System.Security.Cryptography;
using System.Text;
using Custos.Client.Tests.Support;
using Custos.Crypto;

namespace Custos.Client.Tests;

/// <summary>
/// The SDK writes and reads exactly the published vectors of docs/envelope-format.md ("Test vectors"): fixed data
/// key, message id and wrapped-key bytes from a fake server, two wrapped copies from two servers.
/// </summary>
public sealed class TestVectorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Header =
        "43555345" + "01" + "0001" + "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f" + "00001000"
        + "0002" + "0007" + "707572706f7365" + "000b" + "746573742d766563746f72" + "0006" + "74656e616e74" + "0004" + "61636d65"
        + "02"
        + "0b" + "65752d776573742f6b656b" + "00000001" + "000e" + "777261707065642d64656b2d6575"
        + "0d" + "63682d7a75726963682f6b656b" + "00000007" + "000e" + "777261707065642d64656b2d6368"
        + "35689e267e2b687a6612fe13e160ae45ce6b8130b9549be3cf9013285783c8f4"
        + "a7712ab45dd25d87a24179530fd2a75b";

    private const string Vector0 = Header + "01" + "00000001" + "00000000" + "acf8faf0e112496fa6160c8336e0dfd0";

    private const string Vector1 = Header + "01" + "00000001" + "0000001f"
        + "8890aee240c4bb8908c3bbb6cb6e8fe0d0502b9b5ceab7daba78620c0f8d6f" + "90fc9e70d123ae59009b18b107928727";

    public static TheoryData<int> Vectors() => [0, 1, 2, 3];

    private static byte[] Plaintext(int vector) => vector switch
    {
        0 => [],
        1 => "Custos envelope v1 test vector."u8.ToArray(),
        2 => Enumerable.Range(0, 8193).Select(i => (byte)(i % 251)).ToArray(),
        _ => Enumerable.Range(0, 4096).Select(i => (byte)(i % 251)).ToArray(),
    };

    private static void AssertIsVector(int vector, byte[] envelope)
    {
        switch (vector)
        {
            case 0: Assert.Equal(Vector0, Convert.ToHexStringLower(envelope)); break;
            case 1: Assert.Equal(Vector1, Convert.ToHexStringLower(envelope)); break;
            case 2:
                Assert.Equal(8464, envelope.Length);
                Assert.Equal("d11d5aeb9f985a1242e80bcc20554a67d0ac21d379cf7399fe49dcb9d9813391", Convert.ToHexStringLower(SHA256.HashData(envelope)));
                break;
            default:
                Assert.Equal(4317, envelope.Length);
                Assert.Equal("71f5d7288fb3ff577522a161b3f4158f6b4e0ccc29d5ddd45c0926d0c93d0d1a", Convert.ToHexStringLower(SHA256.HashData(envelope)));
                break;
        }
        Assert.StartsWith(Header, Convert.ToHexStringLower(envelope), StringComparison.Ordinal);
    }

    private static (FakeCustos Eu, FakeCustos Ch, CustosEncryptor Encryptor, KeyTarget[] Keys) Make()
    {
        var eu = new FakeCustos { FixedDataKey = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), BlobFor = _ => "wrapped-dek-eu"u8.ToArray() };
        var ch = new FakeCustos { BlobFor = _ => "wrapped-dek-ch"u8.ToArray(), VersionFor = _ => 7 };
        var euClient = eu.Client();
        var chClient = ch.Client();
        var encryptor = new CustosEncryptor([euClient, chClient], new CustosEncryptorOptions
        {
            FrameLength = 4096,
            MessageIds = () => Convert.FromHexString("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"),
        });
        return (eu, ch, encryptor, [new KeyTarget(euClient, "eu-west/kek"), new KeyTarget(chClient, "ch-zurich/kek")]);
    }

    private static EncryptionContext Context() => EncryptionContext.From(new Dictionary<string, string> { ["tenant"] = "acme", ["purpose"] = "test-vector" });

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task The_sdk_writes_the_published_bytes_and_reads_them_back(int vector)
    {
        var (eu, ch, encryptor, keys) = Make();
        using var _ = encryptor;
        var plaintext = Plaintext(vector);

        var fromArray = await encryptor.EncryptAsync(plaintext, keys, Context(), Ct);
        AssertIsVector(vector, fromArray);
        var stream = new MemoryStream();
        await encryptor.EncryptAsync(new MemoryStream(plaintext), stream, keys, Context(), Ct);
        AssertIsVector(vector, stream.ToArray());

        Assert.Equal(plaintext, await encryptor.DecryptAsync(fromArray, Context(), Ct));
        // Either copy opens it: with the first server down, the second unwraps "wrapped-dek-ch".
        eu.Down = true;
        var output = new MemoryStream();
        await encryptor.DecryptAsync(new MemoryStream(fromArray), output, Context(), Ct);
        Assert.Equal(plaintext, output.ToArray());
        Assert.True(ch.Calls["decrypt"] >= 1);
    }

    [Fact]
    public async Task Vector_1_from_its_published_hex_decrypts()
    {
        var (_, _, encryptor, keys) = Make();
        using var _e = encryptor;
        await encryptor.EncryptAsync([], keys, Context(), Ct); // the fake servers learn the published blobs
        Assert.Equal("Custos envelope v1 test vector.", Encoding.ASCII.GetString(await encryptor.DecryptAsync(Convert.FromHexString(Vector1), Context(), Ct)));
    }
}
