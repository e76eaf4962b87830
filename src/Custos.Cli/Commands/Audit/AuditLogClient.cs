using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Custos.Cli.Audit;
using Custos.Cli.Http;
using Custos.Server.Api.Rest;

namespace Custos.Cli.Commands.Audit;

/// <summary>
/// The audit endpoints of the REST API (/v1/audit/...). Its own client rather than <see cref="CustosApi"/>
/// because POST /v1/audit/cosignatures answers 204 with no body. Failures: <see cref="ApiException"/> for a
/// refused request, <see cref="CliException"/> for an unreachable server or an unexpected answer.
/// </summary>
internal sealed class AuditLogClient(Connection connection) : IDisposable
{
    /// <summary>Page size for events and checkpoints (the server's maximum).</summary>
    public const int PageSize = 1000;

    private readonly HttpClient _http = connection.CreateHttpClient();

    /// <summary>GET /v1/audit/checkpoint.</summary>
    public Task<CheckpointResponse> GetCheckpointAsync(CancellationToken ct) =>
        GetAsync("v1/audit/checkpoint", AuditWireJson.Default.CheckpointResponse, ct);

    /// <summary>Every stored checkpoint note, in increasing size (all pages).</summary>
    public async Task<List<string>> GetCheckpointNotesAsync(CancellationToken ct)
    {
        var notes = new List<string>();
        long after = -1;
        while (true)
        {
            var page = await GetAsync($"v1/audit/checkpoints?after={after}&limit={PageSize}", AuditWireJson.Default.CheckpointPage, ct);
            notes.AddRange(page.Checkpoints.Select(c => c.Note));
            if (page.Next is not { } next) return notes;
            after = Advance(after, next);
        }
    }

    /// <summary>Every event after index <paramref name="after"/> (exclusive; -1 for all), in index order (all pages).</summary>
    public async IAsyncEnumerable<AuditLeaf> GetEventsAsync(long after, [EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            var page = await GetAsync($"v1/audit/events?after={after}&limit={PageSize}", AuditWireJson.Default.EventPage, ct);
            foreach (var e in page.Events) yield return new AuditLeaf(e.Index, e.Data ?? [], e.LeafHash ?? []);
            if (page.Next is not { } next) yield break;
            after = Advance(after, next);
        }
    }

    /// <summary>GET /v1/audit/consistency?from=M&amp;to=N; checks the answer is for the sizes asked.</summary>
    public async Task<IReadOnlyList<byte[]>> GetConsistencyAsync(long from, long to, CancellationToken ct)
    {
        var r = await GetAsync($"v1/audit/consistency?from={from}&to={to}", AuditWireJson.Default.ConsistencyResponse, ct);
        if (r.From != from || r.To != to) throw new CliException($"the server answered a consistency proof for {r.From}..{r.To}, not {from}..{to}");
        return r.Proof ?? [];
    }

    /// <summary>POST /v1/audit/cosignatures with the checkpoint note carrying a cosignature.</summary>
    public async Task PostCosignatureAsync(string note, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/audit/cosignatures")
        {
            Content = JsonContent.Create(new CosignatureRequest(note), AuditWireJson.Default.CosignatureRequest),
        };
        using var response = await SendAsync(request, ct);
        await ThrowIfFailedAsync(response, ct);
    }

    private async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await SendAsync(request, ct);
        await ThrowIfFailedAsync(response, ct);
        try
        {
            return JsonSerializer.Deserialize(await response.Content.ReadAsByteArrayAsync(ct), type)
                ?? throw new CliException($"empty answer from the server for {path}");
        }
        catch (JsonException)
        {
            throw new CliException($"unexpected answer from the server for {path.Split('?')[0]}");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            return await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach Custos at {connection.Address}: {e.GetBaseException().Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliException($"Custos at {connection.Address} did not answer in time");
        }
    }

    private static async Task ThrowIfFailedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        Microsoft.AspNetCore.Mvc.ProblemDetails? problem = null;
        try { problem = JsonSerializer.Deserialize(await response.Content.ReadAsByteArrayAsync(ct), ApiJsonContext.Default.ProblemDetails); }
        catch (JsonException) { }
        var code = problem?.Type is { } t && t.StartsWith(ProblemMapper.TypePrefix, StringComparison.Ordinal) ? t[ProblemMapper.TypePrefix.Length..] : null;
        throw new ApiException((int)response.StatusCode, code, problem?.Detail ?? problem?.Title ?? $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
    }

    private static long Advance(long after, long next) =>
        next > after ? next : throw new CliException($"the server's paging did not advance (after {after}, next {next})");

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
