using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Custos.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Custos.Server.Tests.Support;

/// <summary>
/// A real Custos server on 127.0.0.1 over HTTPS, in dev mode, in its own temporary folder: built with
/// <see cref="DevMode.Options"/> and <see cref="CustosHost.Build"/>, started, initialised and unsealed.
/// Every test makes its own; disposing stops it and deletes the folder.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly X509Certificate2 _ca;

    private TestServer(WebApplication app, ServerOptions options, DevMode.DevSecrets secrets, X509Certificate2 ca, LogCapture logs)
    {
        Logs = logs;
        App = app;
        Options = options;
        Secrets = secrets;
        _ca = ca;
        BaseAddress = new Uri($"https://127.0.0.1:{options.ListenEndPoint().Port}/");
        Anonymous = NewClient(null);
        Root = NewClient(secrets.RootToken.Length == 0 ? null : secrets.RootToken);
    }

    /// <summary>What the server logged (warnings and above).</summary>
    public LogCapture Logs { get; }

    /// <summary>The running app.</summary>
    public WebApplication App { get; }

    /// <summary>Its options (data folder, listen address).</summary>
    public ServerOptions Options { get; }

    /// <summary>The dev unseal share and root token (both empty for a server started uninitialised).</summary>
    public DevMode.DevSecrets Secrets { get; }

    /// <summary>https://127.0.0.1:PORT/</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client with no token.</summary>
    public HttpClient Anonymous { get; }

    /// <summary>A client with the root token.</summary>
    public HttpClient Root { get; }

    /// <summary>Starts a fresh server in a fresh folder.</summary>
    public static async Task<TestServer> StartAsync(CancellationToken ct) => await StartAsync(auditLog: false, ct);

    /// <summary>Starts a fresh server, with the audit log on when <paramref name="auditLog"/>.</summary>
    public static Task<TestServer> StartAsync(bool auditLog, CancellationToken ct) => StartAsync(auditLog, null, ct);

    /// <summary>
    /// Starts a fresh server; <paramref name="clientCertificates"/>, when given, makes its <c>clientCertificates</c>
    /// section from the dev PKI folder (which holds the dev CA as ca.pem and ca.key).
    /// </summary>
    public static Task<TestServer> StartAsync(bool auditLog, Func<string, ClientCertificateOptions>? clientCertificates, CancellationToken ct) =>
        StartAsync(o => o with { AuditLog = auditLog, ClientCertificates = clientCertificates?.Invoke(Path.Combine(o.DataDir, "tls")) }, ct);

    /// <summary>
    /// Starts a fresh server that is not initialised (for tests of <c>POST /v1/sys/init</c>): no dev share, no
    /// root token; <see cref="Root"/> sends no token.
    /// </summary>
    public static Task<TestServer> StartUninitializedAsync(bool auditLog, CancellationToken ct) => StartAsync(o => o with { AuditLog = auditLog }, ct, initialize: false);

    /// <summary>Starts a fresh server whose dev-mode options (audit log off) <paramref name="configure"/> may change first.</summary>
    public static Task<TestServer> StartAsync(Func<ServerOptions, ServerOptions> configure, CancellationToken ct, bool initialize = true) =>
        StartInAsync(NewFolder(), configure, ct, initialize);

    /// <summary>
    /// As <see cref="StartAsync(Func{ServerOptions, ServerOptions}, CancellationToken, bool)"/>, with <paramref name="services"/> adding
    /// services before the threshold keystore is registered (an in-process <c>IThresholdCustodians</c>).
    /// </summary>
    public static Task<TestServer> StartAsync(Func<ServerOptions, ServerOptions> configure, Action<IServiceCollection>? services, CancellationToken ct) =>
        StartInAsync(NewFolder(), configure, ct, initialize: true, services);

    /// <summary>A fresh folder for a server (on tmpfs when there is one: SQLite's fsyncs on a real disk would dominate the run time).</summary>
    public static string NewFolder()
    {
        var root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        return Directory.CreateDirectory(Path.Combine(root, "custos-servertests-" + Guid.NewGuid().ToString("N"))).FullName;
    }

    /// <summary>
    /// Starts a server in <paramref name="dir"/>: a new one, or again one that <see cref="StopAsync"/> stopped (it unseals
    /// itself with the dev share kept there). A failed start stops the app and leaves the folder.
    /// </summary>
    public static async Task<TestServer> StartInAsync(string dir, Func<ServerOptions, ServerOptions> configure, CancellationToken ct, bool initialize = true,
        Action<IServiceCollection>? services = null)
    {
        for (int attempt = 1; ; attempt++)
        {
            var options = configure(DevMode.Options(dir, $"127.0.0.1:{FreePort()}") with { AuditLog = false });
            var logs = new LogCapture();
            var app = CustosHost.Build(options, logging => { logging.ClearProviders(); logging.AddProvider(logs); }, services);
            try
            {
                await app.StartAsync(ct);
            }
            catch (IOException) when (attempt < 5)
            {
                // Another process took the port between probing and binding; try another one.
                await app.DisposeAsync();
                continue;
            }
            catch
            {
                await app.DisposeAsync();
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                throw;
            }
            var secrets = initialize ? await DevMode.InitializeOrUnsealAsync(app, options, ct) : new DevMode.DevSecrets("", "");
            var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(dir, "tls", "ca.pem"));
            return new TestServer(app, options, secrets, ca, logs);
        }
    }

    /// <summary>The dev PKI folder: the dev CA (ca.pem, ca.key) and the server's certificate.</summary>
    public string TlsDir => Path.Combine(Options.DataDir, "tls");

    /// <summary>
    /// A client that trusts only the dev CA, with <paramref name="token"/> as bearer token when given and
    /// <paramref name="clientCertificate"/> (with its private key) presented for mutual TLS when given.
    /// </summary>
    public HttpClient NewClient(string? token, X509Certificate2? clientCertificate = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, cert, _, _) => TrustsDevCa(cert) },
        };
        if (clientCertificate is not null)
            handler.SslOptions.ClientCertificateContext = SslStreamCertificateContext.Create(clientCertificate, null, offline: true);
        var client = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private bool TrustsDevCa(X509Certificate? certificate)
    {
        if (certificate is null) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>Stops the server and keeps its folder, to start again in it with <see cref="StartInAsync"/>.</summary>
    public async ValueTask StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        Anonymous.Dispose();
        Root.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        _ca.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private bool _stopped;

    /// <summary>Deletes a server folder (best effort: a leftover temp folder is harmless).</summary>
    public static void DeleteFolder(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        DeleteFolder(Options.DataDir);
    }
}
