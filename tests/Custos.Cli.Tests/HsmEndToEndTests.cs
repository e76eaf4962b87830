using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Custos.Cli.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Custos.Cli.Tests;

/// <summary>
/// HSM custody through `custos serve` on a real SoftHSM2 token: the HSM as root of trust (init --seal hsm,
/// automatic unseal after SIGKILL and restart), keys generated and used in the token, the audit signing key
/// in the token, startup refusals in one sentence, and 429 beyond the configured HSM limit.
/// </summary>
public sealed class HsmEndToEndTests : IDisposable
{
    private readonly SoftHsmToken _hsm = new();

    public void Dispose() => _hsm.Dispose();

    private static async Task<(string Blob, string Plaintext)> DataKeyAsync(HttpClient http, string key)
    {
        using var r = await http.PostAsJsonAsync($"v1/keys/{key}/generate-data-key", new { encryptionContext = new { tenant = "e2e" } });
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var json = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        return (json.GetProperty("ciphertextBlob").GetString()!, json.GetProperty("plaintext").GetString()!);
    }

    private static async Task<HttpResponseMessage> DecryptAsync(HttpClient http, string blob) =>
        await http.PostAsJsonAsync("v1/decrypt", new { ciphertextBlob = blob, encryptionContext = new { tenant = "e2e" } });

    [Fact]
    public async Task HSM_keys_and_the_HSM_root_of_trust_survive_sigkill_and_the_server_unseals_itself()
    {
        using var node = new ServeNode(_hsm.ConfigSection());
        await node.StartAsync();
        var init = await node.InitAsync(3, 2, seal: "hsm");
        Assert.Contains("RECOVERY shares", init, StringComparison.Ordinal);
        Assert.Contains("Sealed:       no", (await node.Cli.RunAsync("status")).Ok(), StringComparison.Ordinal);

        var created = (await node.Cli.RunAsync("keys", "create", "--alias", "vault")).Ok();
        Assert.Contains($"hsm:{_hsm.Label}", created, StringComparison.Ordinal);
        Assert.Contains("generated in the HSM, never extractable, always sensitive", created, StringComparison.Ordinal);
        using var http = node.Server!.Client(node.RootToken);
        var v1 = await DataKeyAsync(http, "alias/vault");
        (await node.Cli.RunAsync("keys", "rotate", "alias/vault")).Ok();
        var v2 = await DataKeyAsync(http, "alias/vault");
        var keyId = JsonDocument.Parse((await node.Cli.RunAsync("keys", "show", "alias/vault", "--json")).Ok()).RootElement.GetProperty("id").GetString()!;

        var labels = _hsm.ObjectLabels();
        Assert.Contains($"custos:{keyId}:v1", labels);
        Assert.Contains($"custos:{keyId}:v2", labels);
        Assert.Contains("custos-root-wrap", labels);

        node.Kill(); // SIGKILL: no shutdown, no seal, nothing flushed by Custos
        await node.StartAsync();
        Assert.Contains("Sealed:       no", (await node.Cli.RunAsync("status")).Ok(), StringComparison.Ordinal); // the HSM unsealed it, no shares given

        using var again = node.Server!.Client(node.RootToken);
        foreach (var (blob, plaintext) in new[] { v1, v2 })
        {
            using var r = await DecryptAsync(again, blob);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(plaintext, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("plaintext").GetString());
        }

        // The audit checkpoints are signed by a P-256 key that lives in the token.
        Assert.Contains("audit log verified", (await node.Cli.RunAsync("audit", "verify")).Ok(), StringComparison.Ordinal);
        using var db = new SqliteConnection($"Data Source={node.Database};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var cmd = new SqliteCommand("SELECT location, length(sealed_private_key) FROM audit_signing_key", db);
        using var row = cmd.ExecuteReader();
        Assert.True(row.Read());
        Assert.Equal($"hsm:{_hsm.Label}/custos-audit-signing", row.GetString(0));
        Assert.Equal(0, row.GetInt64(1)); // no private key material in the database
        Assert.Contains("custos-audit-signing", _hsm.ObjectLabels());
    }

    [Fact]
    public async Task The_recovery_shares_unseal_when_the_server_is_pointed_at_another_token()
    {
        using var node = new ServeNode(_hsm.ConfigSection());
        await node.StartAsync();
        await node.InitAsync(3, 2, seal: "hsm");
        node.Kill();

        using var other = new SoftHsmToken("custos-other");
        File.WriteAllText(node.ConfigFile, File.ReadAllText(node.ConfigFile)
            .Replace(_hsm.Config, other.Config, StringComparison.Ordinal)
            .Replace($"\"{_hsm.Label}\"", $"\"{other.Label}\"", StringComparison.Ordinal)
            .Replace(_hsm.PinFile, other.PinFile, StringComparison.Ordinal));
        await node.StartAsync();
        Assert.Contains("Sealed:       yes", (await node.Cli.RunAsync("status")).Stdout, StringComparison.Ordinal);
        await node.UnsealAsync(1, 3);
    }

    [Theory]
    [InlineData("wrong-pin", "rejected the PIN")]
    [InlineData("unknown-token", "no-such-token")]
    [InlineData("missing-module", "/usr/lib/nothing/libpkcs11-missing.so")]
    public async Task Startup_stops_with_one_clear_sentence(string what, string expected)
    {
        var badPin = _hsm.PinFile + ".bad";
        File.WriteAllText(badPin, "0000000000000000");
        var section = what switch
        {
            "wrong-pin" => _hsm.ConfigSection(pinFile: badPin),
            "unknown-token" => _hsm.ConfigSection(label: "no-such-token"),
            _ => _hsm.ConfigSection(module: "/usr/lib/nothing/libpkcs11-missing.so"),
        };
        using var node = new ServeNode(section);
        var run = await new CliRunner("https://127.0.0.1:9", "", "", node.Dir.Path).RunAsync("serve", "--config", node.ConfigFile);

        Assert.NotEqual(0, run.ExitCode);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"{what}: expected one sentence, got:\n{run.Stderr}{run.Stdout}");
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain(_hsm.Pin, run.Stderr + run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("0000000000000000", run.Stderr + run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal); // no stack trace
    }

    [Fact]
    public async Task An_HSM_located_outside_a_keys_jurisdictions_cannot_hold_it_and_the_refusal_names_key_and_place()
    {
        // The node is in Germany, the (SoftHSM) HSM declares itself in the US: an EU-only key may not be made in it.
        using var node = new ServeNode(_hsm.ConfigSection(extra: ",\n \"location\": { \"country\": \"US\", \"region\": \"Virginia\", \"operator\": \"us-hsm-inc\" }")
            + ",\n  \"location\": { \"country\": \"DE\", \"operator\": \"example-bank\" }");
        await node.StartAsync();
        await node.InitAsync(3, 2, seal: "hsm"); // unseals itself

        var refused = await node.Cli.RunAsync("keys", "create", "--alias", "eu-only", "--jurisdiction", "EU");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("eu-only", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("US", refused.Stderr, StringComparison.Ordinal);
        var keys = (await node.Cli.RunAsync("keys", "list")).Ok();
        Assert.DoesNotContain("eu-only", keys, StringComparison.Ordinal);
        Assert.DoesNotContain(_hsm.ObjectLabels(), l => l.StartsWith("custos:", StringComparison.Ordinal)); // no material was left in the HSM

        // A key allowed only in the US is refused too: the node serving it is in Germany.
        Assert.Contains("node 'vm' is in DE".Replace("vm", Environment.MachineName), (await node.Cli.RunAsync("keys", "create", "--alias", "us-only", "--jurisdiction", "US")).Stderr);
        // Allowed in both, it is made in the HSM.
        (await node.Cli.RunAsync("keys", "create", "--alias", "us-ok", "--jurisdiction", "US", "--jurisdiction", "DE")).Ok();
        Assert.Contains(_hsm.ObjectLabels(), l => l.StartsWith("custos:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Beyond_the_HSM_limit_callers_get_429_and_every_accepted_request_succeeds()
    {
        using var node = new ServeNode(_hsm.ConfigSection(extra: ",\n \"maxOperationsPerSecond\": 40, \"maxInFlight\": 1, \"queueTimeoutMilliseconds\": 50"));
        await node.StartAsync();
        await node.InitAsync(3, 2, seal: "hsm");
        (await node.Cli.RunAsync("keys", "create", "--alias", "limited")).Ok();
        using var http = node.Server!.Client(node.RootToken);
        var (blob, plaintext) = await DataKeyAsync(http, "alias/limited");

        var results = await Task.WhenAll(Enumerable.Range(0, 300).Select(async _ =>
        {
            using var r = await DecryptAsync(http, blob);
            var body = await r.Content.ReadAsStringAsync();
            return (r.StatusCode, RetryAfter: r.Headers.RetryAfter?.Delta, Body: body);
        }));

        var accepted = results.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        var refused = results.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(300, accepted.Count + refused.Count); // nothing else: no 5xx, no failure of an accepted request
        Assert.NotEmpty(accepted);
        Assert.NotEmpty(refused);
        Assert.All(accepted, r => Assert.Equal(plaintext, JsonDocument.Parse(r.Body).RootElement.GetProperty("plaintext").GetString()));
        Assert.All(refused, r =>
        {
            Assert.True(r.RetryAfter >= TimeSpan.FromSeconds(1), "429 must carry Retry-After");
            Assert.Contains("urn:custos:problem:throttled", r.Body, StringComparison.Ordinal);
        });

        // The refusals and the HSM's latency are visible to monitoring.
        string metrics = "";
        for (int i = 0; i < 50 && !metrics.Contains("custos_hsm_throttled", StringComparison.Ordinal); i++)
        {
            if (i > 0) await Task.Delay(200);
            metrics = await http.GetStringAsync("metrics");
        }
        Assert.Contains("custos_hsm_throttled", metrics, StringComparison.Ordinal);
        Assert.Contains("custos_hsm_operation_duration", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dev_mode_with_hsm_makes_its_own_token_and_puts_new_keys_in_it()
    {
        using var dir = new TempDir();
        var devDir = dir.File(".custos-dev");
        using var server = await CustosProcess.StartDevAsync(devDir, Repo.FreePort(), "--hsm");
        var token = JsonDocument.Parse(File.ReadAllText(Path.Combine(devDir, "dev-unseal.json"))).RootElement.GetProperty("rootToken").GetString()!;
        var cli = new CliRunner(server.Address, server.CaCert, token, dir.Path);

        var created = (await cli.RunAsync("keys", "create", "--alias", "devhsm")).Ok();

        Assert.Contains("hsm:custos-dev", created, StringComparison.Ordinal);
        Assert.Contains("generated in the HSM", created, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(devDir, "softhsm", "softhsm2.conf")));
        Assert.Contains("HSM:        SoftHSM2 token 'custos-dev'", server.Output, StringComparison.Ordinal);
        using var http = server.Client(token);
        var (blob, plaintext) = await DataKeyAsync(http, "alias/devhsm");
        using var back = await DecryptAsync(http, blob);
        Assert.Equal(plaintext, JsonDocument.Parse(await back.Content.ReadAsStringAsync()).RootElement.GetProperty("plaintext").GetString());
    }
}
