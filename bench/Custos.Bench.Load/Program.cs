using Custos.Bench.Load;

// Custos load benchmark: see docs/benchmarks.md.
//   dotnet run -c Release --project bench/Custos.Bench.Load -- --seconds 10
// Internal mode (started by the benchmark itself): --bare LISTEN CERT KEY
if (args is ["--bare", var listen, var cert, var key])
{
    await BareServer.RunAsync(listen, cert, key);
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("bench: " + e.Message);
    return 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
var repo = options.Repo ?? Report.FindRepo();
CustosTarget? target = null;
AppDomain.CurrentDomain.ProcessExit += (_, _) => target?.Dispose();
try
{
    target = await CustosTarget.StartAsync(repo, options, cts.Token);
    var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
    var window = TimeSpan.FromSeconds(options.Seconds);
    var results = new List<Measurement>();
    foreach (var generator in options.Generators)
    {
        if (generator == "wrk" && !WrkGenerator.Available())
        {
            Console.Error.WriteLine("bench: wrk is not installed (apt-get install wrk); skipping it");
            continue;
        }
        var dotnet = new DotnetGenerator(target.Ca!);
        var wrk = new WrkGenerator(target.Dir, options.WrkThreads);
        foreach (var name in options.Targets)
        {
            // The bare server has no CPU meter: it is a different process; machine CPU still shows.
            var server = name == Target.Bare ? target.Bare : target.Custos;
            foreach (var c in options.Concurrency)
            {
                var idle = new CpuMeter(null);
                await Task.Delay(500, cts.Token);
                var background = idle.Stop().Machine;
                var m = generator == "wrk"
                    ? await wrk.RunAsync(target.Requests[name], c, warmup, window, server, cts.Token)
                    : await dotnet.RunAsync(target.Requests[name], c, warmup, window, server, cts.Token);
                m = m with { BackgroundCpuPercent = background };
                Console.Error.WriteLine($"bench: {m.Generator,-6} {m.Target,-17} c={m.Concurrency,-3} {m.RequestsPerSecond,9:F0} req/s  p50 {m.P50Ms:F2} ms  p99 {m.P99Ms:F2} ms  errors {m.Errors}  bg CPU {background:F0}%");
                results.Add(m);
            }
        }
    }
    Report.Print(Console.Out, options, repo, results);
    return results.Any(r => r.Errors > 0) ? 1 : 0;
}
catch (OperationCanceledException) when (cts.IsCancellationRequested)
{
    Console.Error.WriteLine("bench: cancelled");
    return 130;
}
finally
{
    target?.Dispose();
}
