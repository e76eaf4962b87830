using System.Security.Cryptography.X509Certificates;
using Custos.Core.Access;
using OpenTelemetry.Metrics;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Ports;
using Custos.Core.Residency;
using Custos.Core.Seal;
using Custos.Core.Service;
using Custos.Core.Threshold;
using Custos.Keystores;
using Custos.Keystores.Software;
using Custos.Server.Api.Rest;
using Custos.Server.Authentication;
using Custos.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Custos.Server.Hosting;

/// <summary>The composition root: builds a Custos server from <see cref="ServerOptions"/>.</summary>
public static class CustosHost
{
    /// <summary>Largest request body accepted.</summary>
    public const long MaxRequestBody = 64 * 1024;

    /// <summary>Builds the web application (not started).</summary>
    /// <remarks><paramref name="configureServices"/> runs after the custodians' network layer is registered and before the
    /// threshold keystore is (tests register an in-process <see cref="Core.Threshold.IThresholdCustodians"/> there).</remarks>
    public static WebApplication Build(ServerOptions options, Action<ILoggingBuilder>? configureLogging = null, Action<IServiceCollection>? configureServices = null)
    {
        if (options.Validate() is { } invalid) throw new ArgumentException(invalid);
        Directory.CreateDirectory(options.DataDir);

        var builder = WebHostDefaults.CreateBuilder(options.DataDir, configureLogging);

        var certificate = X509Certificate2.CreateFromPemFile(options.Tls.CertFile, options.Tls.KeyFile);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = MaxRequestBody;
            var https = new HttpsConnectionAdapterOptions { ServerCertificate = certificate };
            if (options.ClientCertificates is not null)
            {
                // Ask for a certificate but do not require one (tokens keep working); one that is sent must pass
                // ClientCertificateHandshake or the handshake fails.
                var handshake = k.ApplicationServices.GetRequiredService<ClientCertificateHandshake>();
                https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                https.ClientCertificateValidation = handshake.Validate;
            }
            k.Listen(options.ListenEndPoint(), l =>
            {
                l.Protocols = HttpProtocols.Http1AndHttp2;
                l.UseHttps(https);
            });
        });

        AddCustos(builder.Services, options, configureServices);

        var app = builder.Build();
        // Zero the keyring (and every key opened under it) when the server stops.
        app.Lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<SealManager>().Seal());
        // Registered after the seal, so it runs before it (last registered, first run): a final checkpoint.
        if (options.AuditLog)
        {
            app.Lifetime.ApplicationStopping.Register(() =>
            {
                try { app.Services.GetRequiredService<Core.Audit.AuditCheckpointer>().CheckpointAsync(CancellationToken.None).Wait(TimeSpan.FromSeconds(10)); }
                catch (AggregateException) { /* logged by the next start's verification; never block shutdown */ }
            });
        }
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = HandleExceptionAsync, SuppressDiagnosticsCallback = _ => true });
        app.UseMiddleware<AuditMiddleware>();
        if (!options.AuditLog) app.Logger.LogWarning("the audit log is OFF: requests are not recorded and key use cannot be proven (remove \"auditLog\": false to record every request)");
        app.UseStatusCodePages(StatusCodeProblemAsync);
        app.UseAuthentication();
        app.UseAuthorization();
        if (options.RateLimits?.PerPrincipal is not null) app.UseRateLimiter(); // after authentication: it partitions by principal
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization();
        app.MapCustosRestApi();
        return app;
    }

    /// <summary>Registers every Custos service (core, software keystore, SQLite storage).</summary>
    public static void AddCustos(IServiceCollection services, ServerOptions options, Action<IServiceCollection>? configureServices = null)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        // Custos issues no cookies or anti-forgery tokens; keep ASP.NET's data protection keys off disk.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(j =>
        {
            j.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
            j.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });
        var authentication = services.AddAuthentication(options.ClientCertificates is null ? BearerTokenHandler.SchemeName : ClientCertificateAuthentication.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        if (options.ClientCertificates is { } clientCertificates) authentication.AddCustosClientCertificates(clientCertificates);
        services.AddAuthorization();
        // Metrics (no secrets: operation counts and latencies) for Prometheus at GET /metrics, with a token.
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter("Custos.Hsm", "Custos.Audit", AccessMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());

        services.AddCustosSqlite(options.DatabasePath);
        if (!options.AuditLog) services.AddSingleton<Core.Audit.IAuditLog, Core.Audit.DisabledAuditLog>();
        services.AddSingleton(new Core.Audit.NodeIdentity(options.NodeName, options.Location?.Country));
        services.AddSingleton<Core.Audit.AuditRecorder>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<SealManager>();
        services.AddSingleton<InitCeremony>();
        services.AddSingleton<IKeyringProvider>(sp => sp.GetRequiredService<SealManager>());
        services.AddSingleton(sp => new KeyCache(sp.GetRequiredService<TimeProvider>(), TimeSpan.FromSeconds(options.KeyCacheSeconds)));
        services.AddSingleton<KeyResolver>();
        services.AddSingleton<Core.Access.Policy.ActivePolicy>();
        services.AddSingleton<Core.Access.Policy.RuleRateLimiter>();
        services.AddSingleton(new Core.Approvals.ApprovalOptions(TimeSpan.FromMinutes(options.Approvals.RequestTtlMinutes)));
        services.AddSingleton<IApprovalGate, Core.Approvals.ApprovalGate>();
        services.AddSingleton<ApprovalService>();
        services.AddSingleton<GrantService>();
        services.AddSingleton(new Core.Access.Policy.KeyCeremonyRule(options.Ceremonies.SecretKeyApprovals, options.Ceremonies.ApproverGroup));
        services.AddSingleton(sp => Locations(options, sp.GetServices<IKeystore>(), sp.GetService<IThresholdCustodians>()?.Custodians));
        services.AddSingleton<LegalRegister>();
        services.AddSingleton<ResidencyGuard>();
        services.AddSingleton<ResidencyCompliance>();
        services.AddSingleton<RegisterService>();
        services.AddSingleton<Guard>();
        services.AddSingleton<IPrincipalSource, TokenPrincipalSource>();
        services.AddSingleton<PrincipalDirectory>();
        services.AddSingleton<PolicyService>();
        services.AddSingleton<AccessMetrics>();
        services.AddSingleton(sp => new KeyRateLimiter(options.RateLimits?.PerKey?.ToRateLimit(), sp.GetRequiredService<AccessMetrics>()));
        if (options.RateLimits?.PerPrincipal is { } perPrincipal) PrincipalRateLimiting.Add(services, perPrincipal.ToRateLimit());
        services.AddSingleton<KeyManagementService>();
        services.AddSingleton<KeyAccessService>();
        services.AddSingleton<AdministrationService>();
        services.AddSingleton<Core.Audit.AuditCheckpointer>();
        services.AddSingleton<AuditService>();
        services.AddSingleton<ResidencyReportService>();
        services.AddHostedService<ResidencyStartup>(); // first: a configuration that strands keys stops the start before anything runs
        if (options.AuditLog) services.AddHostedService<CheckpointService>();
        services.AddSingleton<KeyMaintenance>();
        services.AddHostedService<MaintenanceService>();

        services.AddSingleton<SoftwareKeystore>();
        services.AddSingleton<IKeystore>(sp => sp.GetRequiredService<SoftwareKeystore>());
        if (options.Hsm is { } hsm) HsmServices.Add(services, hsm);
        ThresholdServices.AddCustodians(services, options);
        configureServices?.Invoke(services);
        ThresholdServices.AddKeystore(services);
        services.AddSingleton<IKeystoreRegistry, KeystoreRegistry>();
        services.AddHostedService<AutoUnsealService>();
    }

    /// <summary>
    /// Where this node and its keystores are: the software keystore lives on the node (its material is usable only
    /// where the root key is, in the node's memory), the HSM at <c>hsm.location</c>; threshold shares at their custodians
    /// (<paramref name="custodians"/>, those configured here).
    /// </summary>
    public static LocationMap Locations(ServerOptions options, IEnumerable<IKeystore> keystores, IReadOnlyList<CustodianInfo>? custodians = null)
    {
        var elsewhere = new Dictionary<string, Location?>(StringComparer.Ordinal);
        var onNode = new List<string>();
        foreach (var keystore in keystores)
        {
            // Threshold material lives at the custodians of each version, judged per version (ThresholdResidency), not in one place.
            if (keystore.Custody == KeyCustody.Threshold) continue;
            if (keystore.Custody == KeyCustody.Software) onNode.Add(keystore.Name);
            else elsewhere[keystore.Name] = keystore.Custody == KeyCustody.Hsm ? options.Hsm?.Location : null;
        }
        return new LocationMap(options.NodeName, options.Location, elsewhere, onNode, custodians);
    }

    private static Task StatusCodeProblemAsync(StatusCodeContext context)
    {
        var status = context.HttpContext.Response.StatusCode;
        var (code, title, detail) = status switch
        {
            400 => ("validation-failed", "Invalid request", "a query or route parameter could not be read; see /openapi/v1.json"),
            404 => ("no-such-endpoint", "Not found", "no such endpoint; see /openapi/v1.json"),
            405 => ("method-not-allowed", "Method not allowed", "this endpoint does not take that HTTP method"),
            415 => ("unsupported-media-type", "Unsupported media type", "send the body as JSON with 'Content-Type: application/json'"),
            _ => ("http-" + status, ReasonPhrases.GetReasonPhrase(status), ReasonPhrases.GetReasonPhrase(status)),
        };
        return Results.Problem(type: ProblemMapper.TypePrefix + code, title: title, detail: detail, statusCode: status).ExecuteAsync(context.HttpContext);
    }

    private static async Task HandleExceptionAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var result = error switch
        {
            CustosUnavailableException e => ProblemMapper.Problem(ErrorCode.Unavailable, e.Message),
            CustosThrottledException e => Throttled(context, e),
            Microsoft.AspNetCore.Http.BadHttpRequestException e when e.StatusCode == StatusCodes.Status413PayloadTooLarge =>
                Results.Problem(type: ProblemMapper.TypePrefix + "payload-too-large", title: "Payload too large",
                    detail: $"request bodies are at most {MaxRequestBody} bytes", statusCode: 413),
            Microsoft.AspNetCore.Http.BadHttpRequestException => ProblemMapper.Problem(ErrorCode.ValidationFailed, "the request could not be read"),
            OperationCanceledException => Results.Problem(statusCode: 499),
            _ => Results.Problem(type: ProblemMapper.TypePrefix + "internal", title: "Internal error",
                detail: "an unexpected error occurred; see the server log", statusCode: 500),
        };
        await result.ExecuteAsync(context);
    }

    private static IResult Throttled(HttpContext context, CustosThrottledException e)
    {
        AuditMiddleware.RecordErrorAs(context, ErrorCode.Throttled);
        return ProblemMapper.ToResult(new CustosError(ErrorCode.Throttled, e.Message) { RetryAfter = e.RetryAfter });
    }
}
