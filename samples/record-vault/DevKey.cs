using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Custos.Client;

namespace RecordVault;

/// <summary>
/// Makes sure the sample's key exists on the dev server (POST /v1/keys with the dev root token). The SDK covers the
/// data plane only; a real application gets its key from an administrator and never holds a root token.
/// </summary>
internal static class DevKey
{
    public static async Task EnsureAsync(CustosClientOptions options, string alias, CancellationToken ct)
    {
        using var handler = CustosTls.CreateHandler(options);
        using var http = new HttpClient(handler) { BaseAddress = options.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        using var exists = await http.GetAsync($"v1/keys/alias/{alias}", ct);
        if (exists.IsSuccessStatusCode) return;
        using var created = await http.PostAsJsonAsync("v1/keys", new { alias, description = "record-vault sample: field-level encryption" }, ct);
        if (created.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"cannot create key alias/{alias}: HTTP {(int)created.StatusCode} {await created.Content.ReadAsStringAsync(ct)}");
    }
}
