using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Custos.Bench.Load;

/// <summary>
/// Closed-loop load from this process: N workers, each sending the same pre-serialized POST over its own
/// keep-alive HTTP/1.1 connection (one pool of N connections), recording each request's latency.
/// </summary>
internal sealed class DotnetGenerator(X509Certificate2 ca)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>Warm-up, then a measured window.</summary>
    public async Task<Measurement> RunAsync(LoadRequest request, int concurrency, TimeSpan warmup, TimeSpan window, ChildProcess? server, CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = CustosTarget.Trust(ca) },
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        await RunWindowAsync(client, request, concurrency, warmup, record: false, ct);
        var cpu = new CpuMeter(server);
        var (latencies, errors, seconds) = await RunWindowAsync(client, request, concurrency, window, record: true, ct);
        var (serverCpu, machineCpu) = cpu.Stop();
        var (p50, p99, max) = Measurement.Percentiles(latencies);
        return new Measurement("dotnet", request.Target, concurrency, latencies.Length, errors, seconds, p50, p99, max, serverCpu, machineCpu);
    }

    private static async Task<(long[] Latencies, long Errors, double Seconds)> RunWindowAsync(
        HttpClient client, LoadRequest request, int concurrency, TimeSpan duration, bool record, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = new Task<(List<long>, long, long)>[concurrency];
        for (var i = 0; i < concurrency; i++)
            workers[i] = Task.Run(() => WorkerAsync(client, request, end, record, ct), ct);
        var results = await Task.WhenAll(workers);
        var last = results.Max(r => r.Item3);
        var latencies = record ? results.SelectMany(r => r.Item1).ToArray() : [];
        return (latencies, results.Sum(r => r.Item2), (last - start) / (double)Stopwatch.Frequency);
    }

    private static async Task<(List<long> Latencies, long Errors, long LastTimestamp)> WorkerAsync(
        HttpClient client, LoadRequest request, long end, bool record, CancellationToken ct)
    {
        var latencies = new List<long>(record ? 65536 : 0);
        long errors = 0;
        var now = Stopwatch.GetTimestamp();
        while (now < end && !ct.IsCancellationRequested)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, request.Uri)
            {
                Version = HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = new ByteArrayContent(request.Body),
            };
            message.Content.Headers.ContentType = Json;
            if (request.Token is not null) message.Headers.TryAddWithoutValidation("Authorization", request.Token);
            var sent = now;
            try
            {
                using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct);
                now = Stopwatch.GetTimestamp();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    if (record) latencies.Add(now - sent);
                }
                else
                {
                    errors++;
                }
            }
            catch (HttpRequestException)
            {
                now = Stopwatch.GetTimestamp();
                errors++;
            }
        }
        return (latencies, errors, now);
    }
}
