using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Custos.Bench.Load;

/// <summary>
/// Starts a fresh <c>custos dev</c> server and the bare baseline as child processes in a temp folder, and
/// prepares what the load needs (token, CA, a key, one ciphertext blob).
/// </summary>
internal sealed class CustosTarget : IDisposable
{
    private static readonly string[] HsmArgs = ["--hsm"];
    private const string Context = "{\"encryptionContext\":{\"tenant\":\"bench\",\"purpose\":\"load\"}}";

    private CustosTarget(string dir) => Dir = dir;

    public string Dir { get; }
    public ChildProcess? Custos { get; private set; }
    public ChildProcess? Bare { get; private set; }
    public X509Certificate2? Ca { get; private set; }
    public IReadOnlyDictionary<string, LoadRequest> Requests { get; private set; } = new Dictionary<string, LoadRequest>();

    public static async Task<CustosTarget> StartAsync(string repo, BenchOptions options, CancellationToken ct)
    {
        var target = new CustosTarget(Directory.CreateTempSubdirectory("custos-bench-").FullName);
        try
        {
            await target.StartCoreAsync(repo, options, ct);
            return target;
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    private async Task StartCoreAsync(string repo, BenchOptions options, CancellationToken ct)
    {
        var env = new Dictionary<string, string?> { ["DOTNET_gcServer"] = options.ServerGc, ["DOTNET_TieredPGO"] = options.TieredPgo };
        var data = Path.Combine(Dir, "custos");
        var port = FreePort();
        Console.Error.WriteLine($"bench: starting custos dev on 127.0.0.1:{port} in {data} (first run may build the CLI)");
        Custos = ChildProcess.Start(Path.Combine(repo, "custos"), ["dev", "--dir", data, "--listen", $"127.0.0.1:{port}", $"--audit-log={(options.AuditLog ? "true" : "false")}", .. (options.Custody == "hsm" ? HsmArgs : [])], env, Path.Combine(Dir, "custos.log"));

        var envFile = Path.Combine(data, "env");
        var deadline = DateTime.UtcNow.AddMinutes(5);
        var values = new Dictionary<string, string>();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (Custos.HasExited) throw new InvalidOperationException($"custos dev exited; see {Custos.LogPath}:\n{File.ReadAllText(Custos.LogPath)}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("custos dev did not become ready in 5 minutes");
            if (File.Exists(envFile) && File.Exists(Path.Combine(data, "tls", "ca.pem")))
            {
                values = ReadEnv(envFile);
                Ca ??= X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(values["CUSTOS_CACERT"], ct));
                if (await HealthyAsync(new Uri(values["CUSTOS_ADDR"] + "/v1/health"), ct)) break;
            }
            await Task.Delay(200, ct);
        }
        var addr = values["CUSTOS_ADDR"];
        var token = "Bearer " + values["CUSTOS_TOKEN"];

        using var client = NewClient(Ca!);
        client.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(token);
        var created = await PostAsync(client, addr + "/v1/keys", "{\"alias\":\"bench\"}", HttpStatusCode.Created, ct);
        var keyId = created.GetProperty("id").GetString()!;
        var gdkUri = new Uri($"{addr}/v1/keys/{keyId}/generate-data-key");
        var dataKey = await PostAsync(client, gdkUri.ToString(), Context, HttpStatusCode.OK, ct);
        var blob = dataKey.GetProperty("ciphertextBlob").GetString()!;
        var decryptBody = Encoding.UTF8.GetBytes("{\"ciphertextBlob\":\"" + blob + "\"," + Context[1..]);
        await PostAsync(client, addr + "/v1/decrypt", Encoding.UTF8.GetString(decryptBody), HttpStatusCode.OK, ct);

        var barePort = FreePort();
        var tls = Path.Combine(data, "tls");
        Bare = ChildProcess.Start(Environment.ProcessPath!, [.. BareArgs(), "--bare", $"127.0.0.1:{barePort}", Path.Combine(tls, "server.pem"), Path.Combine(tls, "server.key")],
            env, Path.Combine(Dir, "bare.log"));
        var bareUri = new Uri($"https://127.0.0.1:{barePort}/echo");
        var bareBody = decryptBody;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (Bare.HasExited) throw new InvalidOperationException($"bare server exited:\n{File.ReadAllText(Bare.LogPath)}");
            try
            {
                using var r = await client.PostAsync(bareUri, new ByteArrayContent(bareBody), ct);
                if (r.StatusCode == HttpStatusCode.OK) break;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200, ct);
            }
        }

        Requests = new Dictionary<string, LoadRequest>
        {
            [Target.Decrypt] = new(Target.Decrypt, new Uri(addr + "/v1/decrypt"), decryptBody, token),
            [Target.GenerateDataKey] = new(Target.GenerateDataKey, gdkUri, Encoding.UTF8.GetBytes(Context), token),
            // Same request body and Authorization header as decrypt; the bare server ignores both.
            [Target.Bare] = new(Target.Bare, bareUri, bareBody, token),
        };
    }

    /// <summary>When run as "dotnet x.dll", the child needs the dll path too.</summary>
    private static string[] BareArgs()
    {
        var exe = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(exe) == "dotnet" ? [typeof(CustosTarget).Assembly.Location] : [];
    }

    private static Dictionary<string, string> ReadEnv(string path)
    {
        var values = new Dictionary<string, string>();
        foreach (var line in File.ReadAllLines(path))
        {
            if (!line.StartsWith("export ", StringComparison.Ordinal)) continue;
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            values[line[7..eq]] = line[(eq + 1)..].Trim('\'');
        }
        return values;
    }

    private async Task<bool> HealthyAsync(Uri uri, CancellationToken ct)
    {
        try
        {
            using var client = NewClient(Ca!);
            using var r = await client.GetAsync(uri, ct);
            return r.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string uri, string json, HttpStatusCode expected, CancellationToken ct)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var r = await client.PostAsync(new Uri(uri), content, ct);
        var text = await r.Content.ReadAsStringAsync(ct);
        if (r.StatusCode != expected) throw new InvalidOperationException($"POST {uri}: {(int)r.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static HttpClient NewClient(X509Certificate2 ca) => new(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = Trust(ca) },
    }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Accepts a server certificate that chains to the dev CA (and names the host).</summary>
    public static RemoteCertificateValidationCallback Trust(X509Certificate2 ca) => (_, cert, _, errors) =>
    {
        if (errors == SslPolicyErrors.None) return true;
        if (cert is not X509Certificate2 leaf || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    };

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Bare?.Dispose();
        Custos?.Dispose();
        Ca?.Dispose();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"bench: could not delete {Dir}: {e.Message}");
        }
    }
}
