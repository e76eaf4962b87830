using Custos.Core.Access;
using Custos.Server.Api.Rest.DataPlane;
using Custos.Server.Api.Rest.Keys;
using Custos.Server.Api.Rest.Sys;
using Custos.Server.Api.Rest.Tokens;

namespace Custos.Server.Api.Rest;

/// <summary>Maps the REST front-end: one group per area; authentication applied once per group.</summary>
public static class RestApi
{
    /// <summary>Maps every /v1 route.</summary>
    public static void MapCustosRestApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").AddEndpointFilter(RequireValidJustification).AddEndpointFilter(RequireJsonBody);
        Health.Map(v1);

        var sys = v1.MapGroup("/sys").WithTags("System");
        Init.Map(sys);
        Unseal.Map(sys);
        Seal.Map(sys);
        var ceremonies = sys.MapGroup("/ceremony").WithTags("Key ceremonies");
        Ceremonies.GetCeremony.Map(ceremonies);
        Ceremonies.ConfirmCeremony.Map(ceremonies);

        var keys = v1.MapGroup("/keys").WithTags("Keys").RequireAuthorization();
        CreateKey.Map(keys);
        ListKeys.Map(keys);
        GetKey.Map(keys);
        UpdateKey.Map(keys);
        KeyTransitions.Map(keys);
        ReshareKey.Map(keys);
        GenerateDataKey.Map(keys);
        Encrypt.Map(keys);

        var data = v1.MapGroup("").WithTags("Data plane").RequireAuthorization();
        Decrypt.Map(data);
        Rewrap.Map(data);

        Access.ListJustifications.Map(v1);
        TokenEndpoints.Map(v1.MapGroup("/tokens").WithTags("Tokens").RequireAuthorization());
        Approvals.ApprovalEndpoints.Map(v1.MapGroup("/approvals").WithTags("Approvals").RequireAuthorization());
        Approvals.GrantEndpoints.Map(v1.MapGroup("/grants").WithTags("Approvals").RequireAuthorization());
        Audit.AuditEndpoints.Map(v1.MapGroup("/audit").WithTags("Audit").RequireAuthorization());
        Policy.PolicyEndpoints.Map(v1.MapGroup("/policy").WithTags("Access policy").RequireAuthorization());
        Register.ProviderEndpoints.Map(v1.MapGroup("/register/providers").WithTags("Legal register").RequireAuthorization());
        Reports.ResidencyReportEndpoint.Map(v1.MapGroup("/reports").WithTags("Reports").RequireAuthorization());
    }

    /// <summary>
    /// A <c>Custos-Justification</c> header must hold a published code (see <see cref="Justification.Parse"/>):
    /// otherwise 400 validation-failed naming the problem and the codes, recorded in the audit log as a
    /// failed request of the (by now authenticated) caller. Runs after authentication, before any handler.
    /// </summary>
    private static async ValueTask<object?> RequireValidJustification(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var parsed = Justification.Parse(http.Request.Headers[Justification.HeaderName]);
        if (parsed.IsSuccess) return await next(context);
        Hosting.AuditMiddleware.RecordErrorAs(http, parsed.Error.Code);
        return ProblemMapper.ToResult(parsed.Error);
    }

    /// <summary>
    /// A body must be sent as JSON. Routing already answers 415 to another Content-Type, but lets a body
    /// with no Content-Type through; this refuses that too (the status-code page makes it a problem).
    /// </summary>
    private static async ValueTask<object?> RequireJsonBody(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var hasBody = request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.ContainsKey("Transfer-Encoding"));
        if (hasBody && !request.HasJsonContentType()) return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        return await next(context);
    }
}
