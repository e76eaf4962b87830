using Custos.Core.Errors;
using Custos.Core.Service;
using Custos.Crypto;

namespace Custos.Server.Api.Rest.DataPlane;

/// <summary>
/// POST /v1/rewrap — re-encrypts a blob under the primary version of its own key (after a rotation) or
/// of <c>destinationKey</c>, without the plaintext leaving the server. The source context is checked;
/// <c>destinationEncryptionContext</c> (default: the source context) is bound to the new blob.
/// </summary>
public static class Rewrap
{
    /// <summary>Request body.</summary>
    public sealed record Request(
        byte[]? CiphertextBlob = null, IReadOnlyDictionary<string, string>? EncryptionContext = null,
        string? DestinationKey = null, IReadOnlyDictionary<string, string>? DestinationEncryptionContext = null);

    /// <summary>Response body.</summary>
    public sealed record Response(byte[] CiphertextBlob, string KeyId, int KeyVersion, string SourceKeyId, int SourceKeyVersion);

    /// <summary>Maps the route.</summary>
    public static void Map(RouteGroupBuilder v1) =>
        v1.MapPost("/rewrap", Handle).WithName("Rewrap").WithSummary("Re-encrypt a blob under a primary version")
            .Accepts<Request>("application/json").Produces<Response>().ProducesProblem(400).ProducesProblem(409);

    private static async Task<IResult> Handle(HttpContext http, KeyAccessService access, CancellationToken ct)
    {
        var body = await RequestBody.ReadOptionalAsync(http, ApiJsonContext.Default.RewrapRequest, ct);
        if (!body.IsSuccess) return ProblemMapper.ToResult(body.Error);
        if (body.Value?.CiphertextBlob is not { Length: > 0 } blob) return ProblemMapper.Problem(ErrorCode.ValidationFailed, "ciphertextBlob is required");
        var source = ContextBinding.From(body.Value.EncryptionContext);
        if (!source.IsSuccess) return ProblemMapper.ToResult(source.Error);
        EncryptionContext? destination = null;
        if (body.Value.DestinationEncryptionContext is not null)
        {
            var d = ContextBinding.From(body.Value.DestinationEncryptionContext);
            if (!d.IsSuccess) return ProblemMapper.ToResult(d.Error);
            destination = d.Value;
        }
        var result = await access.RewrapAsync(http.Principal(), blob, source.Value, body.Value.DestinationKey, destination, ct);
        return result.ToHttp(r => new Response(r.CiphertextBlob, r.KeyId, r.KeyVersion, r.SourceKeyId, r.SourceKeyVersion));
    }
}
