// SDK benchmark (docs/benchmarks.md, "Client SDK"):
//   dotnet run -c Release --project bench/Custos.Bench.Sdk -- [--gib 1] [--runs 3] [--messages 10000] [--env .custos-dev/env]
// 1. One thread: encrypt and decrypt of a --gib GiB stream through CustosEncryptor vs raw AesGcm on the same chunk
//    sizes, and `openssl speed -evp aes-256-gcm -bytes 16384` in the same run.
// 2. --messages small messages with the data-key caches on (and off): server calls counted at the HTTP handler.
//    Against a real server when --env names a `custos dev` env file (key alias/bench-sdk is created if missing),
//    otherwise against an in-process fake data plane.
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Custos.Bench.Sdk;
using Custos.Client;
using Custos.Crypto;

var gib = double.Parse(Arg("--gib") ?? "1", CultureInfo.InvariantCulture);
int runs = int.Parse(Arg("--runs") ?? "3", CultureInfo.InvariantCulture);
int messages = int.Parse(Arg("--messages") ?? "10000", CultureInfo.InvariantCulture);
var env = Arg("--env");
long size = (long)(gib * (1L << 30));
var context = EncryptionContext.From(new Dictionary<string, string> { ["tenant"] = "bench" });

Console.WriteLine($"# Custos SDK benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} CPUs, .NET {Environment.Version}, load average {LoadAverage()}");
Console.WriteLine();
Console.WriteLine($"## Throughput, one thread, {size / (double)(1L << 30):0.##} GiB per run, median of {runs} (GB/s = 10^9 bytes/s)");
Console.WriteLine();
Console.WriteLine("| what | GB/s (median) | runs | ratio to raw AesGcm, same chunk |");
Console.WriteLine("|---|---:|---|---:|");

var raw64 = Measure(() => RawAesGcm(size, 64 << 10));
var raw1m = Measure(() => RawAesGcm(size, 1 << 20));
double[] raw64d, raw1md;
using (var sealed64 = new RawCiphertext(size, 64 << 10)) raw64d = Measure(sealed64.Decrypt);
using (var sealed1m = new RawCiphertext(size, 1 << 20)) raw1md = Measure(sealed1m.Decrypt);
Row("raw AesGcm encrypt, 64 KiB chunks", raw64, null);
Row("raw AesGcm decrypt, 64 KiB chunks", raw64d, null);
Row("raw AesGcm encrypt, 1 MiB chunks", raw1m, null);
Row("raw AesGcm decrypt, 1 MiB chunks", raw1md, null);
using (var fake = new CustosClient(new CustosClientOptions { Address = new Uri("https://fake.bench/"), MaxRetries = 0 }, new FakeServer()))
{
    foreach (int frame in new[] { 64 << 10, 1 << 20 })
    {
        using var encryptor = new CustosEncryptor(fake, new CustosEncryptorOptions { FrameLength = frame });
        var enc = Measure(() => SdkEncrypt(encryptor, size));
        Row($"SDK EncryptAsync(Stream), {frame >> 10} KiB frames", enc, frame == 64 << 10 ? raw64 : raw1m);
        var envelope = new MemoryStream(capacity: checked((int)(size + size / frame * 25 + 1024)));
        await encryptor.EncryptAsync(new SourceStream(size), envelope, "bench", context);
        var dec = Measure(() => SdkDecrypt(encryptor, envelope, size));
        Row($"SDK DecryptAsync(Stream), {frame >> 10} KiB frames", dec, frame == 64 << 10 ? raw64d : raw1md);
    }
}
Console.WriteLine($"| openssl speed -evp aes-256-gcm, 16 KiB blocks (encrypt, 3 s) | {OpenSslSpeed()} | | |");
Console.WriteLine();

Console.WriteLine($"## {messages:N0} messages of 256 bytes, one after another, {(env is null ? "in-process fake data plane" : "real server " + env)}");
Console.WriteLine();
Console.WriteLine("| caches | encrypt msg/s | generate-data-key calls | decrypt msg/s | decrypt calls | server calls / messages |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
foreach (bool cached in new[] { true, false })
    await SmallMessagesAsync(cached);
return 0;

async Task SmallMessagesAsync(bool cached)
{
    var counting = new CountingHandler(env is null ? new FakeServer() : BenchServer.Handler(env));
    var options = env is null ? new CustosClientOptions { Address = new Uri("https://fake.bench/") } : CustosClientOptions.FromEnvironment(env);
    if (env is not null) await BenchServer.EnsureKeyAsync(options, "bench-sdk");
    using var client = new CustosClient(options, counting);
    using var encryptor = new CustosEncryptor(client, new CustosEncryptorOptions
    {
        EncryptionCache = cached ? new DataKeyCacheOptions() : null,
        DecryptionCache = cached ? new DataKeyCacheOptions() : null,
    });
    var plaintext = RandomNumberGenerator.GetBytes(256);
    var envelopes = new byte[messages][];
    var sw = Stopwatch.StartNew();
    for (int i = 0; i < messages; i++) envelopes[i] = await encryptor.EncryptAsync(plaintext, "alias/bench-sdk", context);
    double encRate = messages / sw.Elapsed.TotalSeconds;
    sw.Restart();
    for (int i = 0; i < messages; i++) await encryptor.DecryptAsync(envelopes[i], context);
    double decRate = messages / sw.Elapsed.TotalSeconds;
    int calls = counting.GenerateDataKey + counting.Decrypt;
    Console.WriteLine($"| {(cached ? "on (defaults)" : "off")} | {encRate:N0} | {counting.GenerateDataKey:N0} | {decRate:N0} | {counting.Decrypt:N0} | "
        + $"{calls:N0} / {2 * messages:N0} = {100.0 * calls / (2 * messages):0.##} % |");
}

double[] Measure(Func<TimeSpan> run)
{
    run(); // warm-up (JIT, pools); not counted
    return Enumerable.Range(0, runs).Select(_ => size / run().TotalSeconds / 1e9).ToArray();
}

void Row(string what, double[] gbps, double[]? baseline)
{
    double median = Median(gbps);
    var ratio = baseline is null ? "" : (median / Median(baseline)).ToString("0.00", CultureInfo.InvariantCulture);
    Console.WriteLine($"| {what} | {median:0.00} | {string.Join(", ", gbps.Select(g => g.ToString("0.00", CultureInfo.InvariantCulture)))} | {ratio} |");
}

static double Median(double[] values)
{
    var sorted = values.Order().ToArray();
    return sorted[sorted.Length / 2];
}

// Raw AES-256-GCM encryption over the same input the SDK reads: chunks copied from the 1 MiB source block, 12-byte
// counter nonce, 41-byte AAD (what a frame authenticates), 16-byte tag; no framing, no streams.
static TimeSpan RawAesGcm(long size, int chunk)
{
    using var gcm = new AesGcm(RandomNumberGenerator.GetBytes(32), 16);
    var source = new SourceStream(size);
    var buffer = new byte[chunk];
    var tag = new byte[16];
    var nonce = new byte[12];
    var aad = new byte[41];
    var sw = Stopwatch.StartNew();
    uint seq = 0;
    int n;
    while ((n = source.Read(buffer)) > 0)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(8), ++seq);
        gcm.Encrypt(nonce, buffer.AsSpan(0, n), buffer.AsSpan(0, n), tag, aad);
    }
    return sw.Elapsed;
}

TimeSpan SdkEncrypt(CustosEncryptor encryptor, long size)
{
    var sw = Stopwatch.StartNew();
    encryptor.EncryptAsync(new SourceStream(size), Stream.Null, "bench", context).GetAwaiter().GetResult();
    return sw.Elapsed;
}

TimeSpan SdkDecrypt(CustosEncryptor encryptor, MemoryStream envelope, long size)
{
    envelope.Position = 0;
    var sw = Stopwatch.StartNew();
    encryptor.DecryptAsync(envelope, Stream.Null, context).GetAwaiter().GetResult();
    return sw.Elapsed;
}

static string OpenSslSpeed()
{
    try
    {
        var psi = new ProcessStartInfo("openssl", "speed -evp aes-256-gcm -bytes 16384 -seconds 3") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        // Last line: "AES-256-GCM  <k bytes/s for 16384-byte blocks>k"
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last().Split(' ', StringSplitOptions.RemoveEmptyEntries).Last().TrimEnd('k');
        return (double.Parse(last, CultureInfo.InvariantCulture) * 1000 / 1e9).ToString("0.00", CultureInfo.InvariantCulture);
    }
    catch (Exception e) when (e is System.ComponentModel.Win32Exception or FormatException or InvalidOperationException)
    {
        return "n/a (" + e.Message + ")";
    }
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
