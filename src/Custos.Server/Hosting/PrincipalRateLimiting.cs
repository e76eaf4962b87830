using System.Threading.RateLimiting;
using Custos.Core.Access;
using Custos.Core.Errors;
using Custos.Server.Api.Rest;
using Microsoft.AspNetCore.RateLimiting;

namespace Custos.Server.Hosting;

/// <summary>
/// The per-principal rate limit (<c>rateLimits.perPrincipal</c>): ASP.NET Core's rate limiting middleware with
/// one token bucket per authenticated principal id, over every /v1 request that principal makes. It runs after
/// authentication and authorization, so a request without a valid credential (401) uses no tokens; one its
/// roles do not allow is refused later, by the core, and does. Requests without a
/// principal (health, init, unseal, and anything a bad credential reaches) are not limited: Custos has no
/// per-address limit, since many callers may share an address behind a proxy and unseal shares cannot be
/// guessed. A refusal is 429 problem+json <c>throttled</c> with <c>Retry-After</c>, counted in
/// <c>custos.ratelimit.rejected{limit=principal}</c>, and recorded by <see cref="AuditMiddleware"/> as a failed
/// request of that principal with error code <c>throttled</c>.
/// </summary>
public static class PrincipalRateLimiting
{
    /// <summary>Registers the limiter for <paramref name="limit"/>; pair with <c>app.UseRateLimiter()</c> after <c>UseAuthorization()</c>.</summary>
    public static void Add(IServiceCollection services, RateLimit limit)
    {
        var bucket = limit.ToBucketOptions();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                http.Request.Path.StartsWithSegments("/v1") && http.Items[PrincipalAccessor.ItemKey] is Principal p
                    ? RateLimitPartition.GetTokenBucketLimiter(p.Id, _ => bucket)
                    : RateLimitPartition.GetNoLimiter(""), StringComparer.Ordinal);
            o.OnRejected = (context, _) => RejectAsync(context, limit);
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, RateLimit limit)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        http.RequestServices.GetRequiredService<AccessMetrics>().Rejected(AccessMetrics.PrincipalLimit);
        AuditMiddleware.RecordErrorAs(http, ErrorCode.Throttled);
        var name = http.Items[PrincipalAccessor.ItemKey] is Principal p ? p.Name : "this caller";
        var error = new CustosError(ErrorCode.Throttled,
            $"'{name}' is at its rate limit ({limit}); retry after {ProblemMapper.RetryAfterSeconds(retryAfter)} s") { RetryAfter = retryAfter };
        await ProblemMapper.ToResult(error).ExecuteAsync(http);
    }
}
