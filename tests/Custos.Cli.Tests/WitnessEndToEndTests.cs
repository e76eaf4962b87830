using System.Text.Json;
using System.Text.RegularExpressions;
using Custos.Cli.Tests.Infrastructure;
using Custos.Crypto.Transparency;

namespace Custos.Cli.Tests;

/// <summary>
/// `custos audit witness` as its own long-running process beside a busy dev server: it cosigns the log as it
/// grows, then the server is stopped, an old event is rewritten in the database with its leaf hash (so the
/// server, started again, signs a different history), and the witness must refuse loudly and never cosign it.
/// </summary>
public sealed partial class WitnessEndToEndTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly int _port = Repo.FreePort();
    private CustosProcess _server = null!;
    private CliRunner _cli = null!;

    private string DevDir => _dir.File(".custos-dev");
    private string Db => _dir.File(".custos-dev/custos.db");
    private string State => _dir.File("witness");

    public async ValueTask InitializeAsync()
    {
        _server = await CustosProcess.StartDevAsync(DevDir, _port, "--audit-log");
        var token = JsonDocument.Parse(File.ReadAllText(Path.Combine(DevDir, "dev-unseal.json"))).RootElement.GetProperty("rootToken").GetString()!;
        _cli = new CliRunner(_server.Address, _server.CaCert, token, _dir.Path);
        (await _cli.RunInProcessAsync("keys", "create", "--alias", "witnessed")).Ok();
        (await _cli.RunInProcessAsync("keys", "rotate", "alias/witnessed")).Ok();
    }

    public ValueTask DisposeAsync()
    {
        _server.Dispose();
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"^cosigned checkpoint (\d+) root (\S+) ")]
    private static partial Regex CosignedLine();

    private static List<(long Size, string Root)> Cosigned(IEnumerable<string> stdout) =>
        [.. stdout.Select(l => CosignedLine().Match(l)).Where(m => m.Success).Select(m => (long.Parse(m.Groups[1].Value), m.Groups[2].Value))];

    [Fact]
    public async Task A_witness_process_cosigns_the_growing_log_then_refuses_a_forked_history_and_never_cosigns_it()
    {
        using var witness = _cli.Start("audit", "witness", "--server", _server.Address, "--state", State, "--interval", "1", "--cacert", _server.CaCert);

        // Traffic while the witness runs: every request is an event, so each round sees a larger checkpoint.
        using (var busy = new CancellationTokenSource())
        {
            var load = KeepBusyAsync(busy.Token);
            await witness.WaitForStdoutAsync(l => Cosigned(l).Count >= 3, TimeSpan.FromSeconds(20), "three cosigned checkpoints");
            await busy.CancelAsync();
            await load;
        }
        var cosigned = Cosigned(witness.StdoutLines);
        Assert.True(cosigned.Zip(cosigned.Skip(1)).All(p => p.First.Size < p.Second.Size), witness.Output);
        string witnessKey = File.ReadAllText(Path.Combine(State, "witness.vkey")).Trim();
        var onServer = await CheckpointsAsync();
        foreach (var (size, root) in cosigned)
        {
            Assert.True(onServer.TryGetValue(size, out var note), $"checkpoint {size} is not stored on the server");
            Assert.True(IsCosignedBy(note!, witnessKey), $"checkpoint {size} carries no cosignature of the witness:\n{note}");
            Assert.Contains($"\n{root}\n", note, StringComparison.Ordinal);
        }

        // Stop the server; once a witness round has failed, the witness's state is the last checkpoint it cosigned.
        _server.Dispose();
        await witness.WaitForStdoutAsync(_ => witness.Stderr.Contains("witness round failed, retrying", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "a failed round while the server is down");
        var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(State, "state.json"))).RootElement;
        long lastSize = state.GetProperty("treeSize").GetInt64();
        string lastRoot = state.GetProperty("rootHash").GetString()!;
        Assert.True(lastSize > AuditTampering.Target + 1, $"the witness cosigned only {lastSize} events");

        // Rewrite event 3 and its stored leaf hash (the server reloads leaf hashes at start): a different history.
        var stored = RawAuditLog.FromDatabase(Db);
        long storedBefore = stored.Checkpoints.Max(c => c.TreeSize);
        AuditTampering.Apply("forked", stored);
        stored.SaveToDatabase(Db);
        _server = await CustosProcess.StartDevAsync(DevDir, _port, "--audit-log");

        int exit = await witness.WaitForExitAsync(TimeSpan.FromSeconds(20), "the witness to refuse the forked history");
        Assert.True(exit == 3, $"exit {exit}\n{witness.Output}");
        string alarm = witness.Stderr;
        Assert.Contains("AUDIT LOG ALARM", alarm, StringComparison.Ordinal);
        Assert.Matches(@"(INCONSISTENT|FORK): .*checkpoint \d+ \(root \S+\)", alarm);
        Assert.Contains($"checkpoint {lastSize} (root {lastRoot})", alarm, StringComparison.Ordinal);
        Assert.Contains("REFUSED", alarm, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(State, "fork-evidence-*.txt"));

        // Nothing signed over the forked history carries the witness's cosignature, and its state did not move.
        var after = await CheckpointsAsync();
        var forked = after.Where(c => c.Key > storedBefore).ToList();
        Assert.NotEmpty(forked);
        Assert.All(forked, c => Assert.False(IsCosignedBy(c.Value, witnessKey), $"forked checkpoint {c.Key} was cosigned:\n{c.Value}"));
        Assert.Equal(lastSize, JsonDocument.Parse(File.ReadAllText(Path.Combine(State, "state.json"))).RootElement.GetProperty("treeSize").GetInt64());
    }

    private async Task KeepBusyAsync(CancellationToken ct)
    {
        using var http = _server.Client(_cli.Token);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var r = await http.GetAsync("v1/keys", ct);
                r.EnsureSuccessStatusCode();
                await Task.Delay(20, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
        }
    }

    /// <summary>Every stored checkpoint on the server, by size.</summary>
    private async Task<Dictionary<long, string>> CheckpointsAsync()
    {
        using var http = _server.Client(_cli.Token);
        using var doc = JsonDocument.Parse(await http.GetStringAsync("v1/audit/checkpoints?limit=1000"));
        Assert.False(doc.RootElement.TryGetProperty("next", out var next) && next.ValueKind != JsonValueKind.Null, "more than one page of checkpoints");
        return doc.RootElement.GetProperty("checkpoints").EnumerateArray()
            .ToDictionary(c => c.GetProperty("treeSize").GetInt64(), c => c.GetProperty("note").GetString()!);
    }

    private static bool IsCosignedBy(string note, string witnessKey) =>
        SignedNote.TryParse(note, out var n) && NoteVerifier.TryParse(witnessKey, out var v) && n!.Verify(v!);
}
