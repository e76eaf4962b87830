using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Custos.Client.Tests.Support;

/// <summary>
/// An in-memory stand-in for a Custos server's data plane (generate-data-key, encrypt, decrypt) as an
/// <see cref="HttpMessageHandler"/>: data keys are random unless <see cref="FixedDataKey"/> is set, a blob is
/// "blob-N" (or what <see cref="BlobFor"/> says), and it counts calls. <see cref="Down"/> makes every call
/// fail as an unreachable server would. It checks the encryption context on decrypt like the real one.
/// </summary>
internal sealed class FakeCustos : HttpMessageHandler
{
    private readonly Dictionary<string, (byte[] Key, string KeyId, int Version, string Context)> _blobs = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _next;

    /// <summary>Calls received, by operation ("generate-data-key", "encrypt", "decrypt").</summary>
    public Dictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    /// <summary>All calls.</summary>
    public int TotalCalls { get { lock (_lock) return Calls.Values.Sum(); } }

    /// <summary>The lease sent with every answer; null sends none (an older server).</summary>
    public JsonObject? Lease { get; set; } = LeaseJson(true, 3600, 1_000_000, 1L << 40);

    /// <summary>When set, every call throws as if the server were unreachable.</summary>
    public bool Down { get; set; }

    /// <summary>When set, generate-data-key returns this data key.</summary>
    public byte[]? FixedDataKey { get; set; }

    /// <summary>Blob to return for a key reference (known-answer tests); null: "blob-N".</summary>
    public Func<string, byte[]?> BlobFor { get; set; } = _ => null;

    /// <summary>Version to return for a key reference.</summary>
    public Func<string, int> VersionFor { get; set; } = _ => 1;

    /// <summary>Makes a client over this fake.</summary>
    public CustosClient Client(int retries = 0) =>
        new(new CustosClientOptions { Address = new Uri("https://fake.custos.test/"), Token = "t", MaxRetries = retries, RetryDelay = TimeSpan.FromMilliseconds(1) }, this);

    public static JsonObject LeaseJson(bool allowed, int maxAgeSeconds, long maxMessages, long maxBytes) =>
        new() { ["allowed"] = allowed, ["maxAgeSeconds"] = maxAgeSeconds, ["maxMessages"] = maxMessages, ["maxBytes"] = maxBytes };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Down) throw new HttpRequestException("Connection refused (fake.custos.test:443)");
        var path = request.RequestUri!.AbsolutePath;
        var body = JsonNode.Parse(await request.Content!.ReadAsByteArrayAsync(cancellationToken))!.AsObject();
        var context = body["encryptionContext"]?.ToJsonString() ?? "";
        string op = path.EndsWith("/generate-data-key", StringComparison.Ordinal) ? "generate-data-key"
            : path.EndsWith("/encrypt", StringComparison.Ordinal) ? "encrypt" : "decrypt";
        lock (_lock) Calls[op] = Calls.GetValueOrDefault(op) + 1;
        var answer = new JsonObject();
        if (op == "decrypt")
        {
            var blob = body["ciphertextBlob"]!.GetValue<string>();
            (byte[] Key, string KeyId, int Version, string Context) entry;
            lock (_lock)
            {
                if (!_blobs.TryGetValue(blob, out entry) || entry.Context != context)
                    return Problem(HttpStatusCode.BadRequest, "invalid-ciphertext", "invalid ciphertext");
            }
            answer["plaintext"] = Convert.ToBase64String(entry.Key);
            answer["keyId"] = entry.KeyId;
            answer["keyVersion"] = entry.Version;
        }
        else
        {
            var reference = Uri.UnescapeDataString(path.Split('/')[^2]);
            var key = op == "encrypt" ? Convert.FromBase64String(body["plaintext"]!.GetValue<string>()) : FixedDataKey ?? RandomNumberGenerator.GetBytes(32);
            int n = Interlocked.Increment(ref _next);
            var blob = BlobFor(reference) ?? Encoding.ASCII.GetBytes($"blob-{n}");
            lock (_lock) _blobs[Convert.ToBase64String(blob)] = (key, reference, VersionFor(reference), context);
            if (op == "generate-data-key") answer["plaintext"] = Convert.ToBase64String(key);
            answer["ciphertextBlob"] = Convert.ToBase64String(blob);
            answer["keyId"] = reference;
            answer["keyVersion"] = VersionFor(reference);
        }
        if (Lease is not null && request.Headers.Contains("Custos-Data-Key-Lease")) answer["dataKeyLease"] = Lease.DeepClone();
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer.ToJsonString(), Encoding.UTF8, "application/json") };
    }

    private static HttpResponseMessage Problem(HttpStatusCode status, string code, string detail) =>
        new(status)
        {
            Content = new StringContent(JsonSerializer.Serialize(new { type = "urn:custos:problem:" + code, title = code, status = (int)status, detail }),
                Encoding.UTF8, "application/problem+json"),
        };
}
