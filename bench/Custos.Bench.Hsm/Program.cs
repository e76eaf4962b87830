using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Custos.Bench.Hsm;
using Custos.Core.Keys;
using Custos.Core.Ports;
using Custos.Crypto;
using Custos.Keystores.Pkcs11;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

// HSM keystore adapter vs raw PKCS#11 on one fresh SoftHSM2 token: see docs/benchmarks.md.
//   dotnet run -c Release --project bench/Custos.Bench.Hsm -- --seconds 2 --rounds 9
double seconds = 2;
int rounds = 9;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seconds" when i + 1 < args.Length: seconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--rounds" when i + 1 < args.Length: rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine("usage: Custos.Bench.Hsm [--seconds S] [--rounds N]"); return 2;
    }
}

using var store = SoftHsmStore.Create("custos-bench");
using var pin = SecretBytes.CopyFrom(Encoding.UTF8.GetBytes(store.Pin));
Pkcs11Options Options(int? perSecond) => new()
{
    ModulePath = SoftHsmStore.ModulePath,
    TokenLabel = store.Label,
    Pin = pin,
    MaxOperationsPerSecond = perSecond,
};
using var token = Pkcs11Token.Open(Options(null));
using var rateToken = Pkcs11Token.Open(Options(10_000_000));
var keystore = new Pkcs11Keystore(token);
var rateKeystore = new Pkcs11Keystore(rateToken);

// One key version and one wrapped 32-byte data key, as a decrypt of an envelope's DEK would see them.
var keyId = Guid.CreateVersion7().ToString("D");
var version = new KeyVersionRef(keyId, 1, KeySpec.Aes256Gcm, await keystore.CreateKeyAsync(keyId, 1, KeySpec.Aes256Gcm, default));
var dek = RandomNumberGenerator.GetBytes(32);
var aad = Encoding.UTF8.GetBytes("custos/dek:" + keyId + ":1");
var blob = await keystore.EncryptAsync(version, dek, aad, default);
var evidence = await keystore.GetEvidenceAsync(version, default);

var window = TimeSpan.FromSeconds(seconds);
var variants = new (string Name, Func<int, TimeSpan, double> Run)[]
{
    ("raw Pkcs11Interop", (threads, w) => Raw.Run(token, store.Label, version.Material, blob, aad, dek, threads, w)),
    ("Pkcs11Keystore.DecryptAsync", (threads, w) => Adapter.Run(keystore, version, blob, aad, dek, threads, w)),
    ("Pkcs11Keystore, rate limiter on", (threads, w) => Adapter.Run(rateKeystore, version, blob, aad, dek, threads, w)),
};
int[] threadCounts = [1, 2];

Console.Error.WriteLine("warming up");
foreach (var (_, run) in variants) foreach (var t in threadCounts) run(t, TimeSpan.FromSeconds(Math.Min(1, seconds)));

var results = new Dictionary<(string, int), List<double>>();
for (int r = 1; r <= rounds; r++)
{
    foreach (var t in threadCounts)
    {
        foreach (var (name, run) in variants)
        {
            var opsPerSecond = run(t, window);
            (results.TryGetValue((name, t), out var list) ? list : results[(name, t)] = []).Add(opsPerSecond);
            Console.Error.WriteLine($"round {r}: {name}, {t} thread(s): {opsPerSecond:N0} ops/s");
        }
    }
}

static double Median(List<double> xs)
{
    var s = xs.Order().ToList();
    return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
}

Console.WriteLine($"SoftHSM {evidence!["module.library_version"]} ({evidence["module.library_description"]}), .NET {Environment.Version}, {Environment.ProcessorCount} CPUs; "
    + $"32-byte payload, CKM_AES_GCM, {rounds} rounds of {seconds:0.#} s, medians.");
Console.WriteLine();
Console.WriteLine("| path | threads | ops/s (median) | µs per op per thread | ops/s of each round |");
Console.WriteLine("|---|---|---|---|---|");
foreach (var t in threadCounts)
{
    foreach (var (name, _) in variants)
    {
        var xs = results[(name, t)];
        var median = Median(xs);
        Console.WriteLine($"| {name} | {t} | {median:N0} | {t * 1e6 / median:0.00} | {string.Join(", ", xs.Select(x => x.ToString("N0", CultureInfo.InvariantCulture)))} |");
    }
}
Console.WriteLine();
foreach (var t in threadCounts)
{
    double raw = Median(results[(variants[0].Name, t)]);
    foreach (var (name, _) in variants.Skip(1))
        Console.WriteLine($"{t} thread(s): {name} / raw time per op = {raw / Median(results[(name, t)]):0.000}");
}
return 0;
