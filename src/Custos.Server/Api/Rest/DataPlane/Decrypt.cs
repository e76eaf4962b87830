using Custos.Core.Errors;
using Custos.Core.Service;

namespace Custos.Server.Api.Rest.DataPlane;

/// <summary>POST /v1/decrypt — decrypts a ciphertext blob; the key and version come from the blob.</summary>
public static class Decrypt
{
    /// <summary>Request: the blob and the encryption context it was made with.</summary>
    public sealed record Request(byte[]? CiphertextBlob = null, IReadOnlyDictionary<string, string>? EncryptionContext = null);

    /// <summary>Response: plaintext in base64 and the key version that decrypted it.</summary>
    public sealed record Response(byte[] Plaintext, string KeyId, int KeyVersion)
    {
        /// <summary>Reuse limits for the decrypted data key; only when asked for (<see cref="DataKeyLeaseBody.RequestHeader"/>).</summary>
        public DataKeyLeaseBody? DataKeyLease { get; init; }
    }

    /// <summary>Maps the route.</summary>
    public static void Map(RouteGroupBuilder v1) =>
        v1.MapPost("/decrypt", Handle).WithName("Decrypt").WithSummary("Decrypt a ciphertext blob")
            .Accepts<Request>("application/json").Produces<Response>().ProducesProblem(400).ProducesProblem(409);

    private static async Task<IResult> Handle(HttpContext http, KeyAccessService access, CancellationToken ct)
    {
        var body = await RequestBody.ReadOptionalAsync(http, ApiJsonContext.Default.DecryptRequest, ct);
        if (!body.IsSuccess) return ProblemMapper.ToResult(body.Error);
        if (body.Value?.CiphertextBlob is not { Length: > 0 } blob) return ProblemMapper.Problem(ErrorCode.ValidationFailed, "ciphertextBlob is required");
        var context = ContextBinding.From(body.Value.EncryptionContext);
        if (!context.IsSuccess) return ProblemMapper.ToResult(context.Error);
        var result = await access.DecryptAsync(http.Principal(), blob, context.Value, ct);
        if (!result.IsSuccess) return ProblemMapper.ToResult(result.Error);
        using var secret = result.Value.Plaintext;
        var lease = await DataKeyLeaseBody.ForAsync(http, access, result.Value.KeyId, ct);
        var plaintext = secret.Reveal().ToArray();
        return new SecretJson<Response>(new Response(plaintext, result.Value.KeyId, result.Value.KeyVersion) { DataKeyLease = lease },
            ApiJsonContext.Default.DecryptResponse, plaintext);
    }
}
