using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Custos.Bench.Sdk;

/// <summary>
/// An in-process stand-in for the data plane (generate-data-key, decrypt) with the built-in lease, so throughput runs
/// measure the SDK and not the network. Used when no --env is given.
/// </summary>
internal sealed class FakeServer : HttpMessageHandler
{
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = JsonNode.Parse(await request.Content!.ReadAsByteArrayAsync(cancellationToken))!;
        var answer = new JsonObject { ["keyId"] = "bench", ["keyVersion"] = 1 };
        if (request.RequestUri!.AbsolutePath.EndsWith("/generate-data-key", StringComparison.Ordinal))
        {
            var key = RandomNumberGenerator.GetBytes(32);
            var blob = "blob-" + Guid.NewGuid().ToString("N");
            lock (_keys) _keys[Convert.ToBase64String(Encoding.ASCII.GetBytes(blob))] = key;
            answer["plaintext"] = Convert.ToBase64String(key);
            answer["ciphertextBlob"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(blob));
        }
        else
        {
            lock (_keys) answer["plaintext"] = Convert.ToBase64String(_keys[body["ciphertextBlob"]!.GetValue<string>()]);
        }
        answer["dataKeyLease"] = new JsonObject { ["allowed"] = true, ["maxAgeSeconds"] = 300, ["maxMessages"] = 100_000, ["maxBytes"] = 1L << 32 };
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer.ToJsonString(), Encoding.UTF8, "application/json") };
    }
}

/// <summary>Counts the requests that reach the server, by path suffix.</summary>
internal sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private int _generate;
    private int _decrypt;
    public int GenerateDataKey => _generate;
    public int Decrypt => _decrypt;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri!.AbsolutePath.EndsWith("/decrypt", StringComparison.Ordinal)) Interlocked.Increment(ref _decrypt);
        else Interlocked.Increment(ref _generate);
        return base.SendAsync(request, cancellationToken);
    }
}
