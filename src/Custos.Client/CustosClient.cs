using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Custos.Client.Http;
using Custos.Crypto;
using Custos.Crypto.Envelope;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Custos.Client;

/// <summary>
/// A connection to one Custos server's data plane: generate-data-key, encrypt (to add a wrapped copy) and
/// decrypt of data-key blobs. Thread-safe; make one per server and keep it. Every call asks for the
/// data-key lease (<c>Custos-Data-Key-Lease</c>). Transient failures (no connection, timeouts, HTTP 408,
/// 429, 502, 503, 504) of generate-data-key and decrypt are retried with exponential backoff and jitter
/// (Polly); encrypt is never retried. Refusals are <see cref="CustosException"/>s.
/// </summary>
public sealed class CustosClient : IDisposable
{
    private const string LeaseHeader = "Custos-Data-Key-Lease";
    private const string ProblemPrefix = "urn:custos:problem:";
    private const int MaxAnswerBytes = 1 << 20;
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _idempotent;
    private readonly ResiliencePipeline<HttpResponseMessage> _once;
    private readonly TimeSpan _timeout;

    /// <summary>Connects with <paramref name="options"/>.</summary>
    public CustosClient(CustosClientOptions options) : this(options, null) { }

    /// <summary>
    /// Connects with <paramref name="options"/> through <paramref name="handler"/> (which then owns TLS: the TLS
    /// options are not applied to it); for tests and custom HTTP stacks. The client disposes the handler.
    /// </summary>
    public CustosClient(CustosClientOptions options, HttpMessageHandler? handler)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Address);
        if (options.Address.Scheme is not ("https" or "http")) throw new ArgumentException("the address must be https://", nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRetries);
        if (options.Timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(options), "Timeout must be positive");
        Address = options.Address;
        _timeout = options.Timeout;
        _http = new HttpClient(handler ?? CustosTls.CreateHandler(options), disposeHandler: true)
        {
            BaseAddress = options.Address.AbsoluteUri.EndsWith('/') ? options.Address : new Uri(options.Address.AbsoluteUri + "/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (options.Token is not null) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        foreach (var (name, value) in options.Headers ?? new Dictionary<string, string>())
            _http.DefaultRequestHeaders.Add(name, value);
        _http.DefaultRequestHeaders.Add(LeaseHeader, "1");
        _idempotent = Pipeline(options, options.MaxRetries);
        _once = Pipeline(options, 0);
    }

    /// <summary>The server address.</summary>
    public Uri Address { get; }

    /// <summary>A fresh 32-byte data key under <paramref name="key"/> (id or <c>alias/NAME</c>) bound to <paramref name="context"/>. Retried.</summary>
    public async Task<GeneratedDataKey> GenerateDataKeyAsync(string key, EncryptionContext? context = null, CancellationToken cancellationToken = default)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new GenerateDataKeyRequest(Pairs(context), 32), WireJson.Default.GenerateDataKeyRequest);
        var answer = await SendAsync(KeyPath(key) + "/generate-data-key", body, idempotent: true, cancellationToken);
        var plaintext = answer.Plaintext;
        try
        {
            if (plaintext is not { Length: 32 } || answer.CiphertextBlob is not { Length: > 0 } || answer.KeyId is null)
                throw new CustosException(200, null, "unexpected answer from the server to generate-data-key");
            return new GeneratedDataKey(SecretBytes.CopyFrom(plaintext), Wrap(answer), Lease(answer.DataKeyLease));
        }
        finally
        {
            if (plaintext is not null) CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Wraps an existing data key under <paramref name="key"/> (to add a wrapped copy). Not retried.</summary>
    public async Task<EncryptedDataKey> EncryptDataKeyAsync(string key, SecretBytes dataKey, EncryptionContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataKey);
        var copy = dataKey.Reveal().ToArray();
        byte[] body;
        try
        {
            body = JsonSerializer.SerializeToUtf8Bytes(new EncryptRequest(copy, Pairs(context)), WireJson.Default.EncryptRequest);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(copy);
        }
        var answer = await SendAsync(KeyPath(key) + "/encrypt", body, idempotent: false, cancellationToken);
        if (answer.CiphertextBlob is not { Length: > 0 } || answer.KeyId is null)
            throw new CustosException(200, null, "unexpected answer from the server to encrypt");
        return new EncryptedDataKey(Wrap(answer), Lease(answer.DataKeyLease));
    }

    /// <summary>Unwraps a data-key blob made by this server, checking <paramref name="context"/>. Retried.</summary>
    public async Task<DecryptedDataKey> DecryptDataKeyAsync(ReadOnlyMemory<byte> ciphertextBlob, EncryptionContext? context = null, CancellationToken cancellationToken = default)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new DecryptRequest(ciphertextBlob.ToArray(), Pairs(context)), WireJson.Default.DecryptRequest);
        var answer = await SendAsync("v1/decrypt", body, idempotent: true, cancellationToken);
        var plaintext = answer.Plaintext;
        try
        {
            if (plaintext is null || answer.KeyId is null) throw new CustosException(200, null, "unexpected answer from the server to decrypt");
            return new DecryptedDataKey(SecretBytes.CopyFrom(plaintext), answer.KeyId, answer.KeyVersion, Lease(answer.DataKeyLease));
        }
        finally
        {
            if (plaintext is not null) CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private async Task<KeyAnswer> SendAsync(string path, byte[] body, bool idempotent, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await (idempotent ? _idempotent : _once).ExecuteAsync(async token =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = Json;
                return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
            }, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CustosException(0, CustosException.Unavailable, $"cannot reach Custos at {Address}: {Innermost(e).Message}", e);
        }
        catch (TimeoutRejectedException e)
        {
            throw new CustosException(0, CustosException.Unavailable, $"Custos at {Address} did not answer in time", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(body); // it may hold a data key (encrypt)
        }

        using (response)
        {
            var bytes = await ReadAsync(response, cancellationToken);
            try
            {
                if (!response.IsSuccessStatusCode) throw Refusal(response.StatusCode, bytes);
                return Parse(bytes, WireJson.Default.KeyAnswer, (int)response.StatusCode)
                    ?? throw new CustosException((int)response.StatusCode, null, "empty answer from the server");
            }
            finally
            {
                CryptographicOperations.ZeroMemory(bytes);
            }
        }
    }

    /// <summary>Reads the answer into one buffer the caller zeroes (bounded; it may carry a data key).</summary>
    private async Task<byte[]> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            var buffer = new byte[response.Content.Headers.ContentLength is long n and >= 0 and <= MaxAnswerBytes ? n : 4096];
            int used = 0;
            while (true)
            {
                if (used == buffer.Length)
                {
                    if (buffer.Length >= MaxAnswerBytes) throw new CustosException((int)response.StatusCode, null, "the server's answer is too large");
                    var larger = new byte[Math.Min(buffer.Length * 2, MaxAnswerBytes)];
                    buffer.AsSpan(0, used).CopyTo(larger);
                    CryptographicOperations.ZeroMemory(buffer);
                    buffer = larger;
                }
                int read = await stream.ReadAsync(buffer.AsMemory(used), timeout.Token);
                if (read == 0) break;
                used += read;
            }
            if (used == buffer.Length) return buffer;
            var exact = buffer.AsSpan(0, used).ToArray();
            CryptographicOperations.ZeroMemory(buffer);
            return exact;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CustosException(0, CustosException.Unavailable, $"Custos at {Address} did not answer in time", e);
        }
        catch (Exception e) when (e is HttpRequestException or HttpIOException or IOException)
        {
            throw new CustosException(0, CustosException.Unavailable, $"the answer from Custos at {Address} broke off: {Innermost(e).Message}", e);
        }
    }

    private static CustosException Refusal(HttpStatusCode status, byte[] bytes)
    {
        var problem = Parse(bytes, WireJson.Default.ProblemBody, (int)status, quiet: true);
        var code = problem?.Type is { } t && t.StartsWith(ProblemPrefix, StringComparison.Ordinal) ? t[ProblemPrefix.Length..] : null;
        var message = problem?.Detail ?? problem?.Title ?? $"HTTP {(int)status}";
        return new CustosException((int)status, code, message);
    }

    private static T? Parse<T>(byte[] bytes, JsonTypeInfo<T> type, int status, bool quiet = false) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, type);
        }
        catch (JsonException) when (quiet)
        {
            return null;
        }
        catch (JsonException)
        {
            throw new CustosException(status, null, $"unexpected answer from the server (HTTP {status})");
        }
    }

    private static WrappedKey Wrap(KeyAnswer answer)
    {
        try
        {
            return new WrappedKey(answer.KeyId!, answer.KeyVersion, answer.CiphertextBlob);
        }
        catch (ArgumentException)
        {
            throw new CustosException(200, null, "the server's key id, version or blob does not fit the envelope format");
        }
    }

    private static DataKeyLease Lease(LeaseBody? body) =>
        body is { Allowed: true, MaxAgeSeconds: > 0, MaxMessages: > 0, MaxBytes: > 0 }
            ? new DataKeyLease(true, TimeSpan.FromSeconds(body.MaxAgeSeconds), body.MaxMessages, body.MaxBytes)
            : DataKeyLease.None;

    private static Dictionary<string, string>? Pairs(EncryptionContext? context) =>
        context is null || context.Count == 0 ? null : context.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    /// <summary>The REST path of a key reference: an id, or <c>alias/NAME</c>.</summary>
    internal static string KeyPath(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return key.StartsWith("alias/", StringComparison.Ordinal)
            ? "v1/keys/alias/" + Uri.EscapeDataString(key["alias/".Length..])
            : "v1/keys/" + Uri.EscapeDataString(key);
    }

    private static ResiliencePipeline<HttpResponseMessage> Pipeline(CustosClientOptions options, int retries)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = retries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => r.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
                        or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }
        return builder.AddTimeout(options.Timeout).Build();
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
