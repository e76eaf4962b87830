using System.Diagnostics;
using System.Globalization;
using Custos.Bench.Audit;
using Custos.Cli.Audit;

// Time to verify a one-million-event audit log: see docs/benchmarks.md.
//   dotnet run -c Release --project bench/Custos.Bench.Audit -- [--events 1000000] [--runs 3] [--dir DIR] [--live]
// The log is written once into DIR (default: a temporary folder, removed at the end) and reused when DIR is given.
// --append-loop SECONDS instead measures the audit log's own append cost (events/s, CPU per event) with concurrent appenders.
// --live also times `custos audit verify` against a real `custos dev` server holding as many events (built with ./custos).
long events = 1_000_000;
int runs = 3;
string? keepDir = null;
bool live = false;
double? appendLoop = null;
int[] appenders = [1, 16, 64, 256];
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--events" when i + 1 < args.Length: events = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--runs" when i + 1 < args.Length: runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--dir" when i + 1 < args.Length: keepDir = args[++i]; break;
        case "--live": live = true; break;
        case "--append-loop" when i + 1 < args.Length: appendLoop = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--appenders" when i + 1 < args.Length: appenders = [.. args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]; break;
        default:
            Console.Error.WriteLine("usage: Custos.Bench.Audit [--events N] [--runs R] [--dir DIR] [--live] | --append-loop SECONDS [--appenders 1,16,64,256] [--runs R]");
            return 2;
    }
}
if (events < 1 || runs < 1) { Console.Error.WriteLine("bench: --events and --runs must be at least 1"); return 2; }
if (appendLoop is { } loopSeconds)
{
    using var loopCts = new CancellationTokenSource();
    return await AppendLoop.RunAsync(loopSeconds, appenders, runs, loopCts.Token);
}

string dir = keepDir ?? Path.Combine(Path.GetTempPath(), "custos-bench-audit-" + Guid.NewGuid().ToString("N")[..8]);
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
var ct = cts.Token;
try
{
    var sw = Stopwatch.StartNew();
    var log = await BenchLog.EnsureAsync(dir, events, ct);
    double buildSeconds = sw.Elapsed.TotalSeconds;

    // The export bundle, written by the export command's writer (which verifies while it writes).
    string bundle = Path.Combine(dir, "bundle");
    if (Directory.Exists(bundle)) Directory.Delete(bundle, recursive: true);
    Console.Error.WriteLine($"bench: exporting {log.Events:N0} events to {bundle} ...");
    sw.Restart();
    var exported = await AuditBundle.WriteAsync(bundle, "custos/bench-audit", log.VerifierKey, 0, log.Notes, log.ReadLeavesAsync(ct),
        TimeProvider.System, ct, EventProgress.ToStderr("bench: export", log.Events));
    double exportSeconds = sw.Elapsed.TotalSeconds;
    if (!exported.Ok) throw new InvalidOperationException("the benchmark log does not verify: " + exported.Describe());

    Console.Error.WriteLine("bench: loading the leaves into memory ...");
    var leaves = new List<AuditLeaf>((int)log.Events);
    await foreach (var leaf in log.ReadLeavesAsync(ct)) leaves.Add(leaf);
    long leafBytes = leaves.Sum(l => (long)l.Data.Length);
    long bundleBytes = Directory.GetFiles(bundle).Sum(f => new FileInfo(f).Length);

    using var server = live ? await LiveVerify.StartAsync(FindRepo(), dir, log.Events, ct) : null;
    string[] names = ["SHA-256 of every leaf (baseline)", "LogVerifier, leaves in memory", "LogVerifier, leaves paged from the data file",
        "custos audit verify --bundle (in process)", .. live ? ["custos audit verify, live over HTTPS (own process)"] : Array.Empty<string>()];
    var seconds = names.Select(_ => new List<double>()).ToArray();
    for (int run = 1; run <= runs; run++)
    {
        for (int pass = 0; pass < names.Length; pass++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var progress = EventProgress.ToStderr($"bench: run {run} {names[pass]}", log.Events);
            sw.Restart();
            _ = pass switch
            {
                0 => Passes.HashLeaves(leaves, progress) >= 0,
                1 => Check(Passes.VerifyInMemory(log, leaves, progress)),
                2 => Check(await Passes.VerifyFromDatabaseAsync(log, progress, ct)),
                3 => Check(await Passes.VerifyBundleAsync(bundle, progress, ct)),
                _ => await server!.RunAsync(ct) > 0,
            };
            double s = sw.Elapsed.TotalSeconds;
            seconds[pass].Add(s);
            Console.Error.WriteLine($"bench: run {run} {names[pass],-52} {s,7:F2} s");
        }
    }

    double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
    double baseline = Median(seconds[0]);
    var o = Console.Out;
    o.WriteLine($"Audit log verification: {log.Events:N0} events ({leafBytes / (double)log.Events:F0} bytes of leaf data each, {leafBytes / 1e6:F0} MB), " +
        $"{log.Notes.Count:N0} signed checkpoints; bundle {bundleBytes / 1e6:F0} MB. Medians of {runs} run(s).");
    o.WriteLine($"Setup (not part of the figures): log written through SqliteAuditLog (or reopened from --dir) in {buildSeconds:F1} s, " +
        $"exported to the bundle in {exportSeconds:F1} s.");
    o.WriteLine();
    o.WriteLine("| pass | median s | µs / event | × baseline | runs (s) |");
    o.WriteLine("|---|---:|---:|---:|---|");
    for (int pass = 0; pass < names.Length; pass++)
    {
        double m = Median(seconds[pass]);
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {names[pass]} | {m:F2} | {m * 1e6 / log.Events:F2} | {m / baseline:F1} | {string.Join(", ", seconds[pass].Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))} |"));
    }
    return 0;
}
catch (OperationCanceledException) when (ct.IsCancellationRequested)
{
    Console.Error.WriteLine("bench: cancelled");
    return 130;
}
finally
{
    if (keepDir is null && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
}

static bool Check(LogVerification r) => r.Ok ? true : throw new InvalidOperationException("verification failed: " + r.Describe());

static string FindRepo()
{
    foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Custos.slnx")) && File.Exists(Path.Combine(d.FullName, "custos"))) return d.FullName;
    throw new InvalidOperationException("cannot find the Custos repository (run from inside it)");
}
