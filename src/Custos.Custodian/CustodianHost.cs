using System.Security.Cryptography.X509Certificates;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Custodian.Api;
using Custos.Storage.Sqlite;
using Custos.Threshold.Protocol;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Custos.Custodian;

/// <summary>
/// The composition root of a custodian node: Kestrel with its server certificate, client certificates REQUIRED and
/// checked at the handshake (<see cref="TrustedServers"/>: chain to the configured CA and a configured server's
/// subject or SAN, or no request is ever read), its own SQLite database (the Custos schema: audit log and
/// <c>custodian_shares</c>), its audit log (group commit, fail closed) and the custodian protocol.
/// </summary>
public static partial class CustodianHost
{
    /// <summary>Builds the application (not started). Throws <see cref="InvalidOperationException"/> for an unusable key file.</summary>
    public static WebApplication Build(CustodianOptions options, Action<ILoggingBuilder>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } invalid) throw new ArgumentException(invalid);
        Directory.CreateDirectory(options.DataDir);
        var builder = Custos.Server.Hosting.WebHostDefaults.CreateBuilder(options.DataDir, configureLogging);

        var time = TimeProvider.System;
        var trusted = new TrustedServers(options, time);
        var seal = CustodianSeal.Open(options);
        CustodianIdentity identity;
        try
        {
            identity = new CustodianIdentity(options.Name, seal, DkgKey.Load(options.DkgKeyFile));
        }
        catch
        {
            seal.Dispose();
            throw;
        }
        var certificate = X509Certificate2.CreateFromPemFile(options.Tls.CertFile, options.Tls.KeyFile);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = CustodianProtocol.MaxRequestBody;
            var logger = k.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Custos.Custodian.Handshake");
            var https = new HttpsConnectionAdapterOptions
            {
                ServerCertificate = certificate,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                ClientCertificateValidation = (presented, chain, _) =>
                {
                    if (trusted.Identify(presented, chain?.ChainPolicy.ExtraStore, out var why) is not null) return true;
                    HandshakeRefused(logger, presented.Subject, why);
                    return false;
                },
            };
            k.Listen(options.ListenEndPoint(), l =>
            {
                l.Protocols = HttpProtocols.Http1AndHttp2;
                l.UseHttps(https);
            });
        });

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(time);
        services.AddSingleton(trusted);
        services.AddSingleton(identity);
        services.AddSingleton(new NodeIdentity(options.Name, options.Location.Country));
        services.AddSingleton(new SqliteDatabase(options.DatabasePath, time));
        services.AddSingleton<SqliteShareStore>();
        services.AddSingleton<ShareCache>();
        services.AddSingleton<SqliteAuditLog>();
        services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<SqliteAuditLog>());
        services.AddSingleton<IAuditStore, SqliteAuditStore>();
        services.AddSingleton<CustodianAudit>();
        services.AddSingleton(sp => new CustodianPolicy(options, time));
        services.AddSingleton<RoundService>();
        services.AddSingleton<PartialService>();
        services.AddSingleton<ShareLifecycle>();
        services.AddSingleton<CustodianCheckpointer>();
        services.AddHostedService<SealCheck>();

        var app = builder.Build();
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = HandleExceptionAsync, SuppressDiagnosticsCallback = _ => true });
        app.UseStatusCodePages(context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            var code = status switch { 404 => "no-such-endpoint", 405 => "method-not-allowed", 413 => "payload-too-large", _ => "http-" + status };
            return CustodianApi.Problem(new Refusal(status, code, Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status))).ExecuteAsync(context.HttpContext);
        });
        app.MapCustodianApi();
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            try { app.Services.GetRequiredService<CustodianCheckpointer>().CheckpointAsync(CancellationToken.None).Wait(TimeSpan.FromSeconds(5)); }
            catch (AggregateException) { /* never block shutdown */ }
        });
        app.Lifetime.ApplicationStopped.Register(identity.Dispose);
        return app;
    }

    private static Task HandleExceptionAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var refusal = error switch
        {
            CustosUnavailableException => new Refusal(503, "unavailable", "this custodian cannot record the request in its audit log; refused (fail closed)"),
            Microsoft.AspNetCore.Http.BadHttpRequestException { StatusCode: 413 } => new Refusal(413, "payload-too-large", $"request bodies are at most {CustodianProtocol.MaxRequestBody} bytes"),
            Microsoft.AspNetCore.Http.BadHttpRequestException => Refusal.Invalid("the request could not be read"),
            OperationCanceledException => new Refusal(499, "cancelled", "the request was cancelled"),
            _ => new Refusal(500, "internal", "an unexpected error occurred; see the custodian's log"),
        };
        if (refusal.Status == 500 && error is not null)
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Custos.Custodian").LogError("unexpected {Type} at {Path}", error.GetType().Name, context.Request.Path);
        return CustodianApi.Problem(refusal).ExecuteAsync(context);
    }

    /// <summary>
    /// At start, before anything is served: opens the audit signing key (made on first start) with the configured seal and
    /// signs a checkpoint, so that a custodian started with another seal than its shares were sealed under (a key file
    /// swapped for an HSM, another token) stops at once saying so, instead of failing every partial.
    /// </summary>
    private sealed class SealCheck(CustodianCheckpointer checkpointer) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => checkpointer.CheckpointAsync(cancellationToken);
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "client certificate '{Subject}' refused at the TLS handshake: {Reason}")]
    private static partial void HandshakeRefused(ILogger logger, string subject, string reason);
}
