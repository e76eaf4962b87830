using System.Globalization;

namespace Custos.Bench.Load;

/// <summary>Command-line options of the load generator.</summary>
internal sealed record BenchOptions
{
    /// <summary>Measured window per (target, concurrency), seconds.</summary>
    public double Seconds { get; init; } = 10;

    /// <summary>Warm-up before each measured window, seconds.</summary>
    public double WarmupSeconds { get; init; } = 2;

    /// <summary>Concurrency levels (workers = connections).</summary>
    public IReadOnlyList<int> Concurrency { get; init; } = [1, 16, 64];

    /// <summary>Targets to run, in order.</summary>
    public IReadOnlyList<string> Targets { get; init; } = [Target.Decrypt, Target.GenerateDataKey, Target.Bare];

    /// <summary>Generators: "dotnet", "wrk" or both.</summary>
    public IReadOnlyList<string> Generators { get; init; } = ["dotnet", "wrk"];

    /// <summary>DOTNET_gcServer for the Custos and bare server processes; null leaves it unset.</summary>
    public string? ServerGc { get; init; } = "0";

    /// <summary>DOTNET_TieredPGO for the server processes; null leaves the runtime default.</summary>
    public string? TieredPgo { get; init; }

    /// <summary>Run the Custos server with its audit log on (true) or off (false).</summary>
    public bool AuditLog { get; init; } = true;

    /// <summary>Custody of the benchmarked key: "software" or "hsm" (a SoftHSM2 token made by <c>custos dev --hsm</c>).</summary>
    public string Custody { get; init; } = "software";

    /// <summary>wrk threads.</summary>
    public int WrkThreads { get; init; } = 1;

    /// <summary>The repository root (holds the ./custos script).</summary>
    public string? Repo { get; init; }

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--seconds" => o with { Seconds = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--warmup" => o with { WarmupSeconds = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--concurrency" => o with { Concurrency = [.. Next().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] },
                "--targets" => o with { Targets = [.. Next().Split(',')] },
                "--generator" => o with { Generators = [.. Next().Split(',')] },
                "--server-gc" => o with { ServerGc = Next() is "default" ? null : args[i] },
                "--tiered-pgo" => o with { TieredPgo = Next() is "default" ? null : args[i] },
                "--audit-log" => o with { AuditLog = Next() is "on" or "true" },
                "--custody" => o with { Custody = Next() is "hsm" ? "hsm" : args[i] is "software" ? "software" : throw new ArgumentException("--custody is software or hsm") },
                "--wrk-threads" => o with { WrkThreads = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--repo" => o with { Repo = Next() },
                _ => throw new ArgumentException($"unknown option {args[i]}; see docs/benchmarks.md"),
            };
        }
        foreach (var t in o.Targets)
            if (t is not (Target.Decrypt or Target.GenerateDataKey or Target.Bare)) throw new ArgumentException($"unknown target {t}");
        foreach (var g in o.Generators)
            if (g is not ("dotnet" or "wrk")) throw new ArgumentException($"unknown generator {g}");
        return o;
    }
}

/// <summary>Target names.</summary>
internal static class Target
{
    public const string Decrypt = "decrypt";
    public const string GenerateDataKey = "generate-data-key";
    public const string Bare = "bare";
}
