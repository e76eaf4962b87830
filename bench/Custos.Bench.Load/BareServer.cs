using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Custos.Bench.Load;

/// <summary>
/// The baseline: Kestrel set up as <c>CustosHost.Build</c> sets it up (slim builder, same certificate and
/// key files, Http1AndHttp2 over TLS, same body limit, console logging at Warning for ASP.NET) answering
/// POST /echo with a fixed JSON body of the size of a decrypt response. No auth, no JSON parsing, no crypto.
/// </summary>
internal static class BareServer
{
    /// <summary>The fixed answer: shaped like a decrypt response for a 32-byte data key.</summary>
    public static readonly byte[] Body = Encoding.UTF8.GetBytes(
        "{\"plaintext\":\"" + Convert.ToBase64String(new byte[32]) + "\",\"keyId\":\"k_0123456789abcdef0123456789abcdef\",\"keyVersion\":1}");

    /// <summary>Runs until the process is killed. Args: --bare LISTEN CERT KEY.</summary>
    public static async Task RunAsync(string listen, string certFile, string keyFile)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var certificate = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 64 * 1024;
            k.Listen(IPEndPoint.Parse(listen), l =>
            {
                l.Protocols = HttpProtocols.Http1AndHttp2;
                l.UseHttps(certificate);
            });
        });
        var app = builder.Build();
        app.MapPost("/echo", EchoAsync);
        await app.RunAsync();
    }

    private static async Task EchoAsync(HttpContext http)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1024);
        try
        {
            while (await http.Request.Body.ReadAsync(buffer, http.RequestAborted) > 0)
            {
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.ContentLength = Body.Length;
        await http.Response.Body.WriteAsync(Body, http.RequestAborted);
    }
}
