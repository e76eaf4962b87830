using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Custos.Server.Api.Rest;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Cli.Http;

/// <summary>Calls the Custos REST API and turns problem+json answers into <see cref="ApiException"/>.</summary>
public sealed class CustosApi(Connection connection) : IDisposable
{
    private readonly HttpClient _http = connection.CreateHttpClient();

    /// <summary>The server address.</summary>
    public Uri Address => connection.Address;

    /// <summary>Sends <paramref name="justification"/> (when not null) as the <c>Custos-Justification</c> header with every request from now on.</summary>
    public void Justify(Core.Access.Justification? justification)
    {
        if (justification is not null) _http.DefaultRequestHeaders.Add(Core.Access.Justification.HeaderName, justification.ToHeaderValue());
    }

    /// <summary>Lifts the 60 s limit on a request (for a long report that the server prepares before it answers); call before the first request. Ctrl-C still cancels.</summary>
    public void AllowLongRequests() => _http.Timeout = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// GET <paramref name="path"/> and copy the answer to <paramref name="destination"/> as it arrives (it is never held whole),
    /// reporting the bytes copied so far to <paramref name="progress"/>; a refusal is an <see cref="ApiException"/>.
    /// </summary>
    public async Task DownloadAsync(string path, Stream destination, IProgress<long>? progress, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach Custos at {connection.Address}: {Inner(e)}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliException($"Custos at {connection.Address} did not answer in time");
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode) throw ToApiException(response, await response.Content.ReadAsByteArrayAsync(ct));
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[81920];
            long copied = 0;
            try
            {
                int n;
                while ((n = await body.ReadAsync(buffer, ct)) > 0)
                {
                    await destination.WriteAsync(buffer.AsMemory(0, n), ct);
                    copied += n;
                    progress?.Report(copied);
                }
            }
            catch (Exception e) when (e is HttpRequestException or HttpIOException)
            {
                throw new CliException($"the answer from Custos at {connection.Address} broke off after {copied:N0} bytes: {Inner(e)}");
            }
        }
    }

    /// <summary>GET and parse.</summary>
    public Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken ct, bool allowUnavailable = false) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), type, ct, allowUnavailable);

    /// <summary>POST (or another method) with an optional JSON body and parse the answer.</summary>
    public Task<T> SendAsync<TBody, T>(HttpMethod method, string path, TBody? body, JsonTypeInfo<TBody> bodyType, JsonTypeInfo<T> type, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, bodyType);
        return SendAsync(request, type, ct);
    }

    /// <summary>Sends a JSON body to an endpoint that answers with no body (for example 204).</summary>
    public async Task SendAsync<TBody>(HttpMethod method, string path, TBody body, JsonTypeInfo<TBody> bodyType, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, bodyType) };
        var (response, bytes) = await ExchangeAsync(request, ct);
        using (response)
        {
            try
            {
                if (!response.IsSuccessStatusCode) throw ToApiException(response, bytes);
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
            }
        }
    }

    /// <summary>DELETE; the answer has no body (204).</summary>
    public async Task DeleteAsync(string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, path);
        var (response, bytes) = await ExchangeAsync(request, ct);
        using (response)
        {
            if (!response.IsSuccessStatusCode) throw ToApiException(response, bytes);
        }
    }

    /// <summary>POST without a body.</summary>
    public Task<T> PostAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken ct) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path), type, ct);

    private async Task<T> SendAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> type, CancellationToken ct, bool allowUnavailable = false)
    {
        using (request)
        {
            var (response, bytes) = await ExchangeAsync(request, ct);
            using (response)
            {
                try
                {
                    if (response.IsSuccessStatusCode || (allowUnavailable && (int)response.StatusCode == 503 && IsJson(response)))
                        return JsonSerializer.Deserialize(bytes, type) ?? throw new CliException("empty answer from the server");
                    throw ToApiException(response, bytes);
                }
                catch (JsonException)
                {
                    throw new CliException($"unexpected answer from the server (HTTP {(int)response.StatusCode})");
                }
                finally
                {
                    System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
                }
            }
        }
    }

    /// <summary>Sends a request and reads the whole answer; an unreachable or silent server is a <see cref="CliException"/>.</summary>
    private async Task<(HttpResponseMessage Response, byte[] Body)> ExchangeAsync(HttpRequestMessage request, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            var hint = connection.ClientCertificate is null ? ""
                : " (a server refuses a client certificate at the TLS handshake when it is from a CA it does not trust, lacks clientAuth or has expired; its log says which)";
            throw new CliException($"cannot reach Custos at {connection.Address}: {Inner(e)}{hint}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliException($"Custos at {connection.Address} did not answer in time");
        }
        return (response, await response.Content.ReadAsByteArrayAsync(ct));
    }

    private static bool IsJson(HttpResponseMessage r) => r.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true;

    private static ApiException ToApiException(HttpResponseMessage response, byte[] body)
    {
        ProblemDetails? problem = null;
        try { problem = JsonSerializer.Deserialize(body, ApiJsonContext.Default.ProblemDetails); }
        catch (JsonException) { }
        var code = problem?.Type is { } t && t.StartsWith(ProblemMapper.TypePrefix, StringComparison.Ordinal) ? t[ProblemMapper.TypePrefix.Length..] : null;
        var message = problem?.Detail ?? problem?.Title ?? $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        return new ApiException((int)response.StatusCode, code, message);
    }

    private static string Inner(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e.Message;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}

/// <summary>The server refused a request: status, stable problem code and message.</summary>
public sealed class ApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ApiException(int status, string? code, string message) : base(message) { Status = status; Code = code; }
    /// <summary>Creates the exception.</summary>
    public ApiException() { }
    /// <summary>Creates the exception.</summary>
    public ApiException(string message) : base(message) { }
    /// <summary>Creates the exception.</summary>
    public ApiException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>HTTP status.</summary>
    public int Status { get; }
    /// <summary>Stable problem code (for example "invalid-ciphertext").</summary>
    public string? Code { get; }
}
