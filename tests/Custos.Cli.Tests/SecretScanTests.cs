using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Custos.Cli.Tests.Infrastructure;
using Custos.Crypto.Primitives;
using Custos.Crypto.Sharing;
using Microsoft.Data.Sqlite;

namespace Custos.Cli.Tests;

/// <summary>
/// The database and the logs never hold key material: the root key, the keyring key, every key
/// version's material and every data key and plaintext the test made are searched for (raw, hex and
/// base64) in the SQLite files and everything the server printed, and none is found.
/// </summary>
public sealed class SecretScanTests : IDisposable
{
    private readonly ServeNode _node = new();

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task No_key_data_key_or_plaintext_appears_in_the_database_or_the_logs()
    {
        await _node.StartAsync();
        await _node.InitAsync(3, 2);
        await _node.UnsealAsync(1, 2);
        var secrets = new List<(string What, byte[] Bytes)>();
        var cli = _node.Cli;
        using var http = _node.Server!.Client(_node.RootToken);

        (await cli.RunAsync("keys", "create", "--alias", "scan-a")).Ok();
        (await cli.RunAsync("keys", "create", "--alias", "scan-b", "--rotation-days", "30")).Ok();
        (await cli.RunAsync("keys", "rotate", "alias/scan-a")).Ok();

        for (int i = 0; i < 5; i++)
        {
            var dk = JsonDocument.Parse((await cli.RunAsync("data-key", "--key", i % 2 == 0 ? "alias/scan-a" : "alias/scan-b", "--context", $"n={i}")).Ok()).RootElement;
            secrets.Add(($"data key {i}", dk.GetProperty("plaintext").GetBytesFromBase64()));
            using var back = await http.PostAsJsonAsync("v1/decrypt", new { ciphertextBlob = dk.GetProperty("ciphertextBlob").GetString(), encryptionContext = new Dictionary<string, string> { ["n"] = $"{i}" } });
            back.EnsureSuccessStatusCode();
        }
        var marker = System.Security.Cryptography.RandomNumberGenerator.GetBytes(48);
        secrets.Add(("encrypt plaintext", marker));
        using (var enc = await http.PostAsJsonAsync("v1/keys/alias/scan-b/encrypt", new { plaintext = Convert.ToBase64String(marker) }))
        {
            var blob = JsonDocument.Parse(await enc.Content.ReadAsStringAsync()).RootElement.GetProperty("ciphertextBlob").GetString();
            using var dec = await http.PostAsJsonAsync("v1/decrypt", new { ciphertextBlob = blob });
            dec.EnsureSuccessStatusCode();
        }
        var file = _node.Dir.File("doc.txt");
        File.WriteAllText(file, "file contents that must stay private " + Convert.ToHexString(marker));
        (await cli.RunAsync("encrypt", "--key", "alias/scan-a", "--in", file, "--out", file + ".cus")).Ok();
        (await cli.RunAsync("decrypt", "--in", file + ".cus", "--out", file + ".out")).Ok();
        (await cli.RunAsync("seal")).Ok();
        _node.Kill();

        // Recover every key's material the way only a holder of K shares can, to know what to look for.
        string rootKeyId;
        byte[] sealedKeyring;
        var versions = new List<(string KeyId, int Version, byte[] Material)>();
        using (var db = new SqliteConnection($"Data Source={_node.Database};Mode=ReadOnly;Pooling=False"))
        {
            db.Open();
            using (var cmd = new SqliteCommand("SELECT root_key_id, encrypted_keyring FROM seal_config", db))
            using (var r = cmd.ExecuteReader())
            {
                Assert.True(r.Read());
                rootKeyId = r.GetString(0);
                sealedKeyring = (byte[])r[1];
            }
            using (var cmd = new SqliteCommand("SELECT key_id, version, material FROM key_versions", db))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read()) versions.Add((r.GetString(0), r.GetInt32(1), (byte[])r[2]));
            }
        }
        Assert.Equal(3, versions.Count);
        var shares = _node.Shares.Take(2).Select(Share.Parse).ToList();
        using var root = Shamir.Combine(shares, rootKeyId);
        using var keyring = Aead.Open(root.Reveal(), sealedKeyring, Encoding.ASCII.GetBytes("custos/keyring/v1:" + rootKeyId))!;
        Assert.NotNull(keyring);
        secrets.Add(("root key", root.Reveal().ToArray()));
        secrets.Add(("keyring key", keyring.Reveal().ToArray()));
        foreach (var (keyId, version, material) in versions)
        {
            using var kek = Aead.Open(keyring.Reveal(), material, Encoding.ASCII.GetBytes($"custos/software-key/v1:{keyId}:{version}"));
            Assert.NotNull(kek);
            secrets.Add(($"key {keyId} v{version}", kek.Reveal().ToArray()));
        }
        Assert.Equal(5 + 1 + 2 + 3, secrets.Count);

        var haystacks = new List<(string Name, byte[] Bytes)>();
        foreach (var f in Directory.GetFiles(Path.GetDirectoryName(_node.Database)!))
            haystacks.Add((Path.GetFileName(f), File.ReadAllBytes(f)));
        haystacks.Add(("server output", Encoding.UTF8.GetBytes(_node.AllOutput)));
        Assert.Contains(haystacks, h => h.Name == "custos.db" && h.Bytes.Length > 0);

        // The scanner finds what is there: the sealed material is in the database (file or write-ahead log).
        Assert.Contains(haystacks, h => h.Name.StartsWith("custos.db", StringComparison.Ordinal) && Contains(h.Bytes, versions[0].Material));

        foreach (var (what, bytes) in secrets)
        {
            foreach (var form in Forms(bytes))
            {
                foreach (var (name, hay) in haystacks)
                    Assert.False(Contains(hay, form), $"{what} found in {name}");
            }
        }
        foreach (var share in _node.Shares)
            Assert.DoesNotContain(share, _node.AllOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(_node.RootToken, _node.AllOutput, StringComparison.Ordinal);
    }

    private static IEnumerable<byte[]> Forms(byte[] secret)
    {
        yield return secret;
        yield return Encoding.ASCII.GetBytes(Convert.ToHexString(secret));
        yield return Encoding.ASCII.GetBytes(Convert.ToHexStringLower(secret));
        var b64 = Convert.ToBase64String(secret);
        yield return Encoding.ASCII.GetBytes(b64.TrimEnd('='));
        yield return Encoding.ASCII.GetBytes(b64.TrimEnd('=').Replace('+', '-').Replace('/', '_'));
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
