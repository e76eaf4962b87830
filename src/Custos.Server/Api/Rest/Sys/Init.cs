using Custos.Core.Errors;
using Custos.Core.Seal;
using Custos.Crypto.Signing;

namespace Custos.Server.Api.Rest.Sys;

/// <summary>
/// POST /v1/sys/init — unauthenticated, only once: makes the root key, splits it into K-of-N shares and
/// returns them with the root token. Nothing returned here is stored by Custos. With operators (one per
/// share) it is an init ceremony: each share comes back encrypted to its operator's key, with the
/// transcript they sign (<c>POST /v1/sys/ceremony/{id}/confirm</c>); Custos stays unusable until K have.
/// </summary>
public static class Init
{
    /// <summary>
    /// Request: number of shares and threshold, and the seal type: "shamir" (default: the shares unseal) or
    /// "hsm" (the configured HSM wraps the root key and unseals Custos at start; the shares are for recovery);
    /// and, for a ceremony, the operators, one per share.
    /// </summary>
    public sealed record Request(int Shares, int Threshold, string? SealType = null, IReadOnlyList<OperatorRequest>? Operators = null);

    /// <summary>An operator of the ceremony: a name and an ECDSA P-256 public key (PEM "PUBLIC KEY").</summary>
    public sealed record OperatorRequest(string Name, string PublicKey);

    /// <summary>
    /// Response: the shares (empty with a ceremony), the root token, the root key id and the seal type (with
    /// "hsm" and no ceremony, Custos is already unsealed); with a ceremony, its transcript and encrypted shares.
    /// </summary>
    public sealed record Response(IReadOnlyList<string> Shares, string RootToken, string RootKeyId, int Threshold, string SealType, CeremonyResponse? Ceremony = null);

    /// <summary>The ceremony's id, transcript (to be signed by each operator) and one encrypted share per operator.</summary>
    public sealed record CeremonyResponse(string Id, string Transcript, string TranscriptSha256, IReadOnlyList<EncryptedShareResponse> EncryptedShares);

    /// <summary>One operator's share, encrypted to their key (<c>custos-encrypted-share-v1:...</c>).</summary>
    public sealed record EncryptedShareResponse(string Operator, string Share);

    /// <summary>Maps the route.</summary>
    public static void Map(RouteGroupBuilder sys) =>
        sys.MapPost("/init", Handle).WithName("Init").WithSummary("Initialise Custos").AllowAnonymous()
            .Accepts<Request>("application/json").Produces<Response>().ProducesProblem(400).ProducesProblem(409);

    private static async Task<IResult> Handle(HttpContext http, SealManager seal, CancellationToken ct)
    {
        var body = await RequestBody.ReadOptionalAsync(http, ApiJsonContext.Default.InitRequest, ct);
        if (!body.IsSuccess) return ProblemMapper.ToResult(body.Error);
        if (body.Value is not { } req) return ProblemMapper.Problem(ErrorCode.ValidationFailed, "shares and threshold are required");
        var type = req.SealType ?? SealManager.ShamirType;
        if (type is not (SealManager.ShamirType or SealManager.HsmType))
            return ProblemMapper.Problem(ErrorCode.ValidationFailed, $"unknown seal type '{type}' (shamir, hsm)");
        List<OperatorKey>? operators = null;
        if (req.Operators is { } given)
        {
            if (given.Count is 0 or > 255) return ProblemMapper.Problem(ErrorCode.ValidationFailed, "operators: name one per share (1 to 255)");
            operators = [];
            foreach (var op in given)
            {
                if (!OperatorKey.IsValidName(op.Name))
                    return ProblemMapper.Problem(ErrorCode.ValidationFailed, $"operator name is not valid: 1 to {OperatorKey.MaxNameLength} letters, digits, '.', '_' or '-', starting with a letter or digit");
                if (VerificationKey.FromPem(op.PublicKey, out var problem) is not { } key)
                    return ProblemMapper.Problem(ErrorCode.ValidationFailed, $"operator {op.Name}: {problem}");
                operators.Add(new OperatorKey(op.Name, key));
            }
        }
        var result = await seal.InitializeAsync(req.Shares, req.Threshold, type, operators, http.Items[Hosting.AuditMiddleware.ItemKey] as Core.Audit.RequestInfo, ct);
        if (!result.IsSuccess) return ProblemMapper.ToResult(result.Error);
        http.Response.Headers.CacheControl = "no-store";
        var init = result.Value;
        var ceremony = init.Ceremony is not { } c ? null
            : new CeremonyResponse(c.Id, c.Transcript, c.TranscriptSha256, [.. c.Shares.Select(s => new EncryptedShareResponse(s.Operator, s.EncryptedShare))]);
        return Results.Json(new Response(init.Shares, init.RootToken, init.RootKeyId, req.Threshold, type, ceremony), ApiJsonContext.Default.InitResponse);
    }
}
