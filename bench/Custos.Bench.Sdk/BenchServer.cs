using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Custos.Client;

namespace Custos.Bench.Sdk;

/// <summary>A handler trusting a dev server's CA (so requests can be counted under it), and creating the bench key.</summary>
internal static class BenchServer
{
    public static SocketsHttpHandler Handler(string envFile) => Handler(CustosClientOptions.FromEnvironment(envFile));

    public static async Task EnsureKeyAsync(CustosClientOptions options, string alias)
    {
        using var http = new HttpClient(Handler(options)) { BaseAddress = options.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        using var exists = await http.GetAsync($"v1/keys/alias/{alias}");
        if (exists.IsSuccessStatusCode) return;
        using var created = await http.PostAsJsonAsync("v1/keys", new { alias });
        if (created.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"cannot create key alias/{alias}: HTTP {(int)created.StatusCode}");
    }

    private static SocketsHttpHandler Handler(CustosClientOptions options) => CustosTls.CreateHandler(options);
}
