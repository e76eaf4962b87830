using System.Text.Json;
using Custos.Crypto.Transparency;

namespace Custos.Crypto.Tests.Transparency;

/// <summary>
/// Wycheproof ecdsa_secp256r1_sha256_test.json (DER signatures) through <see cref="EcdsaP256NoteVerifier.Verify"/>,
/// the primitive the note verifier uses. The file has no "acceptable" cases (checked below), so each case is
/// either accepted (valid) or rejected (invalid); BER/non-minimal encodings are among the invalid ones.
/// </summary>
public class EcdsaWycheproofTests
{
    [Fact]
    public void Every_case()
    {
        using var doc = TestVectors.LoadJson("wycheproof/ecdsa_secp256r1_sha256_test.json");
        int declared = doc.RootElement.GetProperty("numberOfTests").GetInt32(), run = 0;
        var failures = new List<string>();
        foreach (var group in doc.RootElement.GetProperty("testGroups").EnumerateArray())
        {
            using var verifier = new EcdsaP256NoteVerifier("wycheproof", Convert.FromHexString(group.GetProperty("publicKeyDer").GetString()!));
            foreach (var test in group.GetProperty("tests").EnumerateArray())
            {
                run++;
                string result = test.GetProperty("result").GetString()!;
                bool ok = verifier.Verify(Hex(test, "msg"), Hex(test, "sig"));
                bool expected = result switch
                {
                    "valid" => true,
                    "invalid" => false,
                    _ => throw new InvalidOperationException($"tcId {test.GetProperty("tcId")}: acceptable case needs an explicit decision"),
                };
                if (ok != expected) failures.Add($"tcId {test.GetProperty("tcId")} [{result}] {test.GetProperty("comment")}: got {ok}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(declared, run);
    }

    private static byte[] Hex(JsonElement test, string field) => Convert.FromHexString(test.GetProperty(field).GetString()!);
}
