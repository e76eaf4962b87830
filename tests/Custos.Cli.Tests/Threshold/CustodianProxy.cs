using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Custos.Cli.Tests.Infrastructure;
using Custos.Threshold.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Custos.Cli.Tests.Threshold;

/// <summary>
/// An in-test TLS proxy in front of one custodian, holding a certificate for that custodian's name (the test owns
/// the CA): it forwards every request with the Custos client certificate, and can alter the partial a custodian
/// returns or delay its answers — a misbehaving or slow custodian as the server sees it.
/// </summary>
public sealed class CustodianProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;

    private CustodianProxy(WebApplication app, HttpClient upstream, string address)
    {
        _app = app;
        _upstream = upstream;
        Address = address;
    }

    /// <summary>https://127.0.0.1:PORT</summary>
    public string Address { get; }

    /// <summary>Starts a proxy for <paramref name="target"/>; <paramref name="tamper"/> rewrites each partial, <paramref name="tamperDealing"/> each dealing, <paramref name="delay"/> holds each answer.</summary>
    public static async Task<CustodianProxy> StartAsync(TestPki pki, CustodianNode target, Func<byte[], byte[]>? tamper = null, TimeSpan delay = default,
        Func<byte[], byte[]>? tamperDealing = null)
    {
        var (serverCert, serverKey) = pki.Server(target.Name);
        var (clientCert, clientKey) = pki.Client("custos-test");
        var handler = new SocketsHttpHandler();
        handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(clientCert, clientKey)];
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(pki.CaFile);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, c, chain, _) => c is X509Certificate2 x && Custos.Threshold.CustodianClient.IsTrusted(x, chain, roots, target.Name);
        var upstream = new HttpClient(handler) { BaseAddress = new Uri(target.Address) };
        int port = Repo.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        var certificate = X509Certificate2.CreateFromPemFile(serverCert, serverKey);
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port, l => l.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = certificate })));
        var app = builder.Build();
        app.Run(async context =>
        {
            using var forward = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            if (body.Length > 0)
            {
                forward.Content = new ByteArrayContent(body.ToArray());
                forward.Content.Headers.ContentType = new("application/json");
            }
            using var answer = await upstream.SendAsync(forward);
            var bytes = await answer.Content.ReadAsByteArrayAsync();
            if (tamper is not null && answer.IsSuccessStatusCode && context.Request.Path.Value!.EndsWith("/partial", StringComparison.Ordinal))
            {
                var partial = System.Text.Json.JsonSerializer.Deserialize(bytes, CustodianJson.Default.PartialResponse)!;
                bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new PartialResponse(tamper(partial.Partial)), CustodianJson.Default.PartialResponse);
            }
            if (tamperDealing is not null && answer.IsSuccessStatusCode && context.Request.Path.Value == "/v1/custodian/rounds")
            {
                var opened = System.Text.Json.JsonSerializer.Deserialize(bytes, CustodianJson.Default.OpenRoundResponse)!;
                bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(opened with { Dealing = tamperDealing(opened.Dealing!) }, CustodianJson.Default.OpenRoundResponse);
            }
            if (delay > TimeSpan.Zero)
            {
                try { await Task.Delay(delay, context.RequestAborted); }
                catch (OperationCanceledException) { return; }
            }
            context.Response.StatusCode = (int)answer.StatusCode;
            context.Response.ContentType = answer.Content.Headers.ContentType?.ToString();
            await context.Response.Body.WriteAsync(bytes);
        });
        await app.StartAsync();
        return new CustodianProxy(app, upstream, $"https://127.0.0.1:{port}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
