using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Custos.Cli.Tests.Infrastructure;
using Custos.Core.Threshold;
using Custos.Crypto.Threshold;
using Custos.Custodian;
using Microsoft.Data.Sqlite;

namespace Custos.Cli.Tests.Threshold;

/// <summary>
/// A custodian whose root key is in an HSM (SoftHSM2 over PKCS#11, the `hsm` section instead of `sealKeyFile`): `custodian
/// init --hsm` writes no key file, the seal key is generated in the token on first start and found again after a
/// restart, shares sealed under it serve a real 2-of-2 key with a key-file custodian, and a custodian started with another
/// seal than its shares were sealed under stops at once saying so. Real `custos custodian serve` processes.
/// </summary>
public sealed class CustodianHsmTests
{
    private static readonly byte[] Context = "order=42"u8.ToArray();

    private static async Task<(int ExitCode, string Stderr)> ServeToExitAsync(CustodianNode node)
    {
        var psi = new ProcessStartInfo("dotnet", $"\"{Repo.CliDll}\" custodian serve --config \"{node.ConfigFile}\"") { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var stderr = await p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (p.ExitCode, stderr);
    }

    [Fact]
    public async Task A_custodian_with_its_root_key_in_an_HSM_holds_shares_across_restarts_and_refuses_to_start_under_another_seal()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        using var token = new SoftHsmToken("custodian-h");
        var pki = new TestPki(dir.File("pki"));
        using var h = new CustodianNode(dir.Path, "custodian-h", pki, "AT", CustodianCluster.Servers, hsm: token);
        using var f = new CustodianNode(dir.Path, "custodian-f", pki, "FR", CustodianCluster.Servers);
        await CustodianCluster.StartAsync([h, f]);

        Assert.False(File.Exists(h.SealKeyFile)); // init --hsm wrote no root key file
        Assert.Contains($"Root key: AES-256 key '{CustodianSeal.HsmKeyLabel}' in HSM token 'custodian-h' (non-extractable).", h.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING", h.Output, StringComparison.Ordinal);
        Assert.Contains("WARNING: this custodian's root key is a file", f.Output, StringComparison.Ordinal);
        Assert.Equal([CustodianSeal.HsmKeyLabel], token.ObjectLabels());

        using var custodians = CustodianCluster.For(pki, [h, f]);
        var material = await custodians.GenerateAsync("key-hsm", 1, new ThresholdSpec(2, [h.Name, f.Name], 2), ct);
        var dek = RandomNumberGenerator.GetBytes(32);
        var blob = ThresholdWrappedKey.Wrap(material.Group.PublicKey, dek, Encoding.UTF8.GetBytes("key-hsm"), 1, Context).Encode();
        var request = new ThresholdRequest("req-1", "token:tok_test", null);
        using (var first = await custodians.UnwrapAsync(material, "key-hsm", 1, blob, Context, request, ct))
            Assert.Equal(dek, first.DataKey!.Reveal().ToArray());

        // What the HSM custodian stored is sealed: 60 bytes (nonce, scalar, tag) that no key outside its token opens.
        var sealedShare = SealedShare(h.DataDir, "key-hsm");
        Assert.Equal(60, sealedShare.Length);
        using (var guess = CustodianSeal.FromKey(Crypto.SecretBytes.CopyFrom(new byte[32]), "zero"))
            Assert.Null(guess.Open(sealedShare, ShareSeal.Aad("key-hsm", 1, material.Group.Fingerprint, material.IndexOf(h.Name)!.Value)));

        h.Kill();
        await h.StartAsync(); // the seal key is found on the token again, not made anew
        Assert.Equal([CustodianSeal.HsmKeyLabel], token.ObjectLabels());
        using (var again = await custodians.UnwrapAsync(material, "key-hsm", 1, blob, Context, request, ct))
        {
            Assert.Equal(ThresholdUnwrapFailure.None, again.Failure);
            Assert.Equal(dek, again.DataKey!.Reveal().ToArray());
        }

        // The same custodian configured with a key file instead: it stops before serving, naming the seal it has.
        h.Kill();
        SealKeyFile.Create(h.SealKeyFile);
        var config = File.ReadAllText(h.ConfigFile);
        File.WriteAllText(h.ConfigFile, config[..config.IndexOf("\"hsm\"", StringComparison.Ordinal)]
            + "\"sealKeyFile\": \"keys/seal.key\"," + config[(config.IndexOf("\"dkgKeyFile\"", StringComparison.Ordinal))..]);
        var (code, stderr) = await ServeToExitAsync(h);
        Assert.Equal(2, code);
        Assert.Contains($"the audit signing key does not open under this custodian's root key (key file '{h.SealKeyFile}')", stderr, StringComparison.Ordinal);
    }

    private static byte[] SealedShare(string dataDir, string keyId)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "custodian.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sealed_share FROM custodian_shares WHERE key_id = $k";
        command.Parameters.AddWithValue("$k", keyId);
        return (byte[])command.ExecuteScalar()!;
    }

    [Fact]
    public async Task Reseal_moves_a_stopped_key_file_custodian_to_an_HSM_and_refuses_a_running_one_or_a_wrong_old_key()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        using var token = new SoftHsmToken("custodian-f");
        var pki = new TestPki(dir.File("pki"));
        using var f = new CustodianNode(dir.Path, "custodian-f", pki, "FR", CustodianCluster.Servers);
        using var g = new CustodianNode(dir.Path, "custodian-g", pki, "DE", CustodianCluster.Servers);
        await CustodianCluster.StartAsync([f, g]);
        using var custodians = CustodianCluster.For(pki, [f, g]);
        var material = await custodians.GenerateAsync("key-moved", 1, new ThresholdSpec(2, [f.Name, g.Name], 2), ct);
        var dek = RandomNumberGenerator.GetBytes(32);
        var blob = ThresholdWrappedKey.Wrap(material.Group.PublicKey, dek, Encoding.UTF8.GetBytes("key-moved"), 1, Context).Encode();
        var request = new ThresholdRequest("req-1", "token:tok_test", null);
        var sealedBefore = SealedShare(f.DataDir, "key-moved");
        var withHsm = File.ReadAllText(f.ConfigFile).Replace("\"sealKeyFile\": \"keys/seal.key\",",
            token.ConfigSection().Replace("\"defaultCustody\": \"hsm\",", "", StringComparison.Ordinal) + ",", StringComparison.Ordinal);
        var hsmConfig = Path.Combine(f.Dir, "custodian-hsm.json");
        File.WriteAllText(hsmConfig, withHsm);
        string Reseal(string config, string from) => $"custodian reseal --config \"{config}\" --from-seal-key-file \"{from}\"";

        var (runningCode, running) = await CustodianNode.RunAsync(Reseal(hsmConfig, f.SealKeyFile));
        f.Kill();
        var wrongKey = dir.File("wrong.key");
        SealKeyFile.Create(wrongKey);
        var (wrongCode, wrong) = await CustodianNode.RunAsync(Reseal(hsmConfig, wrongKey));
        var (code, output) = await CustodianNode.RunAsync(Reseal(hsmConfig, f.SealKeyFile));
        var (againCode, again) = await CustodianNode.RunAsync(Reseal(hsmConfig, f.SealKeyFile));

        Assert.Equal(1, runningCode);
        Assert.Contains("stop custodian 'custodian-f' first", running, StringComparison.Ordinal);
        Assert.Equal(1, wrongCode);
        Assert.Contains($"the audit signing key does not open under key file '{wrongKey}'", wrong, StringComparison.Ordinal);
        Assert.True(code == 0, output);
        Assert.Contains($"Sealed 1 share(s) and the audit signing key of custodian 'custodian-f' again under AES-256 key '{CustodianSeal.HsmKeyLabel}' in HSM token 'custodian-f'", output, StringComparison.Ordinal);
        Assert.True(againCode == 0, again);
        Assert.Contains("is already sealed under", again, StringComparison.Ordinal);
        Assert.NotEqual(sealedBefore, SealedShare(f.DataDir, "key-moved"));
        Assert.Equal(1, Count(f.DataDir, "SELECT count(*) FROM audit_events WHERE operation = 'custodian.reseal'"));

        File.Copy(hsmConfig, f.ConfigFile, overwrite: true);
        await f.StartAsync();
        Assert.Contains("Root key: AES-256 key", f.Output, StringComparison.Ordinal);
        using var unwrapped = await custodians.UnwrapAsync(material, "key-moved", 1, blob, Context, request, ct);
        Assert.Equal(ThresholdUnwrapFailure.None, unwrapped.Failure);
        Assert.Equal(dek, unwrapped.DataKey!.Reveal().ToArray());
    }

    private static long Count(string dataDir, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "custodian.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
