using Custos.Core.Errors;
using Custos.Core.Seal;

namespace Custos.Server.Api.Rest.Ceremonies;

/// <summary>
/// POST /v1/sys/ceremony/{id}/confirm — unauthenticated, like unseal: the operator's signature over the
/// transcript is the credential, checked against the key the transcript names for that operator. 403 for
/// a signature that does not verify, 400 for an unknown operator, 409 for a second confirmation by the
/// same operator or one after completion; none of these changes anything.
/// </summary>
public static class ConfirmCeremony
{
    /// <summary>Request: the operator's name and their signature (DER ECDSA P-256 over the transcript's UTF-8 bytes, base64).</summary>
    public sealed record Request(string? Operator = null, byte[]? Signature = null);

    /// <summary>Maps the route.</summary>
    public static void Map(RouteGroupBuilder ceremonies) =>
        ceremonies.MapPost("/{id}/confirm", Handle).WithName("ConfirmCeremony").WithSummary("Confirm a key ceremony as one of its operators").AllowAnonymous()
            .Accepts<Request>("application/json").Produces<GetCeremony.Response>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

    private static async Task<IResult> Handle(string id, HttpContext http, InitCeremony ceremonies, CancellationToken ct)
    {
        var body = await RequestBody.ReadOptionalAsync(http, ApiJsonContext.Default.ConfirmCeremonyRequest, ct);
        if (!body.IsSuccess) return ProblemMapper.ToResult(body.Error);
        if (body.Value is not { Operator: { Length: > 0 } name, Signature: { } signature })
            return ProblemMapper.Problem(ErrorCode.ValidationFailed, "operator and signature are required");
        return (await ceremonies.ConfirmAsync(id, name, signature, http.Items[Hosting.AuditMiddleware.ItemKey] as Core.Audit.RequestInfo, ct)).ToHttp(GetCeremony.From);
    }
}
