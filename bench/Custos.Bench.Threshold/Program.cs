using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Custos.Bench.Threshold;
using Custos.Core.Threshold;
using Custos.Crypto.Threshold;
using Custos.Crypto.Threshold.Dkg;
using Custos.Threshold;
using Custos.Threshold.Protocol;

// Threshold unwrap (2-of-3, three `custos custodian serve` processes on loopback, mutual TLS) against two baselines
// measured in the same run: the same computation with local shares and no network (two partials with proofs,
// verification, Lagrange, HKDF, AES-GCM), and a bare mTLS round trip to a custodian (GET /v1/custodian/info).
// Usage: dotnet run -c Release --project bench/Custos.Bench.Threshold -- [--seconds 5] [--warmup 2] [--concurrency 1,16]

var seconds = TimeSpan.FromSeconds(Arg("--seconds", 5));
var warmup = TimeSpan.FromSeconds(Arg("--warmup", 2));
var levels = (ArgText("--concurrency") ?? "1,16").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var repo = FindRepo();
Console.Error.WriteLine("building the CLI (./custos --version) ...");
using (var build = Process.Start(new ProcessStartInfo(Path.Combine(repo, "custos"), "--version") { RedirectStandardOutput = true })!)
{
    await build.StandardOutput.ReadToEndAsync();
    await build.WaitForExitAsync();
}
var cliDll = Path.Combine(repo, ".build", "cli", "custos.dll");

using var processes = await CustodianProcesses.StartAsync(cliDll, 3);
Console.CancelKeyPress += (_, _) => processes.Dispose();
using var custodians = new HttpThresholdCustodians(processes.Options);
var material = await custodians.GenerateAsync("bench", 1, new ThresholdSpec(2, ["custodian-a", "custodian-b", "custodian-c"], 1), CancellationToken.None);
byte[] context = "{\"tenant\":\"bench\"}"u8.ToArray();
var dek = RandomNumberGenerator.GetBytes(32);
var blob = ThresholdWrappedKey.Wrap(material.Group.PublicKey, dek, "bench"u8, 1, context).Encode();
var request = new ThresholdRequest(null, "token:bench", null);

// Baseline 1: local shares (an in-memory DKG of the same shape), no network.
var (localGroup, localShares) = LocalKey();
var localBlob = ThresholdWrappedKey.TryParse(ThresholdWrappedKey.Wrap(localGroup.PublicKey, dek, "bench"u8, 1, context).Encode())!;

// Baseline 2: a bare mTLS round trip to one custodian, same client settings.
var roots = new X509Certificate2Collection();
roots.ImportFromPemFile(processes.Options.CaFile);
using var bare = new CustodianClient(processes.Options.Custodians[0], X509Certificate2.CreateFromPemFile(processes.Options.ClientCertFile, processes.Options.ClientKeyFile), roots);

var cells = new List<Cell>();
foreach (int c in levels)
{
    Console.Error.WriteLine($"concurrency {c}: unwrap ...");
    cells.Add(await Measure.RunAsync("unwrap (3 custodians)", c, warmup, seconds, async () =>
    {
        using var outcome = await custodians.UnwrapAsync(material, "bench", 1, blob, context, request, CancellationToken.None);
        return outcome.Failure == ThresholdUnwrapFailure.None;
    }));
    Console.Error.WriteLine($"concurrency {c}: local combine ...");
    cells.Add(await Measure.RunAsync("local combine (no network)", c, warmup, seconds, () =>
    {
        var combiner = new ThresholdCombiner(localGroup, localBlob, "bench"u8, 1);
        foreach (var share in localShares.Take(2)) combiner.Offer(share.Index, PartialDecryption.Compute(share, localBlob.Ephemeral, "bench"u8, 1));
        using var result = combiner.Unwrap(context);
        return Task.FromResult(result.Succeeded);
    }));
    Console.Error.WriteLine($"concurrency {c}: bare round trip ...");
    cells.Add(await Measure.RunAsync("bare mTLS round trip (GET info)", c, warmup, seconds, async () =>
    {
        await bare.SendAsync(HttpMethod.Get, CustodianProtocol.Prefix + "/info", CustodianJson.Default.CustodianInfoResponse, CancellationToken.None);
        return true;
    }));
}

Console.WriteLine($"2-of-3 threshold unwrap, {Environment.ProcessorCount} CPUs, {seconds.TotalSeconds:0} s windows after {warmup.TotalSeconds:0} s warm-up");
Console.WriteLine();
Console.WriteLine("| target | conc | ops/s | p50 ms | p99 ms | errors |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
foreach (var cell in cells)
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {cell.Target} | {cell.Concurrency} | {cell.OpsPerSecond:N0} | {cell.P50Ms:0.00} | {cell.P99Ms:0.00} | {cell.Errors} |"));
Console.WriteLine();
foreach (int c in levels)
{
    var u = cells.Single(x => x.Concurrency == c && x.Target.StartsWith("unwrap", StringComparison.Ordinal));
    var l = cells.Single(x => x.Concurrency == c && x.Target.StartsWith("local", StringComparison.Ordinal));
    var b = cells.Single(x => x.Concurrency == c && x.Target.StartsWith("bare", StringComparison.Ordinal));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"concurrency {c}: unwrap p50 = {u.P50Ms / l.P50Ms:0.0}× local combine, {u.P50Ms / b.P50Ms:0.0}× bare round trip; throughput {u.OpsPerSecond / l.OpsPerSecond:0.00}× local, {u.OpsPerSecond / b.OpsPerSecond:0.00}× bare"));
}
return cells.Any(c => c.Errors > 0) ? 1 : 0;

static (ThresholdGroup, List<KeyShare>) LocalKey()
{
    var parameters = DkgParameters.ForKeyGeneration(2, [1, 2, 3]);
    var dealers = parameters.Participants.Select(i => Dealer.ForKeyGeneration(parameters, i)).ToList();
    var recipients = parameters.Participants.Select(i => new Recipient(parameters, i)).ToList();
    foreach (var r in recipients)
    {
        foreach (var d in dealers)
        {
            using var share = d.ShareFor(r.Index);
            r.Receive(d.Dealing, share);
        }
    }
    var transcript = new DkgTranscript(parameters, dealers.Select(d => d.Dealing), [], []);
    var results = recipients.Select(r => r.Finish(transcript)).ToList();
    dealers.ForEach(d => d.Dispose());
    recipients.ForEach(r => r.Dispose());
    return (results[0].Group!, [.. results.Select(r => r.Share!)]);
}

string FindRepo()
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "Custos.slnx"))) return d.FullName;
    return Directory.GetCurrentDirectory();
}

double Arg(string name, double fallback) => ArgText(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

string? ArgText(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
