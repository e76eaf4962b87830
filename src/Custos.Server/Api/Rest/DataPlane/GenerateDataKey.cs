using Custos.Server.Api.Rest.Keys;
using Custos.Core.Service;

namespace Custos.Server.Api.Rest.DataPlane;

/// <summary>POST /v1/keys/{key}/generate-data-key — a fresh data key in plaintext and wrapped under the key.</summary>
public static class GenerateDataKey
{
    /// <summary>Request: encryption context to bind, and the size (default 32 bytes, 1 to 1024).</summary>
    public sealed record Request(IReadOnlyDictionary<string, string>? EncryptionContext = null, int? NumberOfBytes = null);

    /// <summary>Response: plaintext and ciphertextBlob in base64.</summary>
    public sealed record Response(byte[] Plaintext, byte[] CiphertextBlob, string KeyId, int KeyVersion)
    {
        /// <summary>Reuse limits for the data key; only when asked for (<see cref="DataKeyLeaseBody.RequestHeader"/>).</summary>
        public DataKeyLeaseBody? DataKeyLease { get; init; }
    }

    /// <summary>Maps the route.</summary>
    public static void Map(RouteGroupBuilder keys) =>
        Keys.KeyRoute.Map(keys, "POST", "/generate-data-key", Handle).Configure(b => b
            .WithSummary("Generate a data key for envelope encryption").Accepts<Request>("application/json")
            .Produces<Response>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409));

    private static async Task<IResult> Handle(Keys.KeyRoute key, HttpContext http, KeyAccessService access, CancellationToken ct)
    {
        var body = await RequestBody.ReadOptionalAsync(http, ApiJsonContext.Default.GenerateDataKeyRequest, ct);
        if (!body.IsSuccess) return ProblemMapper.ToResult(body.Error);
        var context = ContextBinding.From(body.Value?.EncryptionContext);
        if (!context.IsSuccess) return ProblemMapper.ToResult(context.Error);
        var result = await access.GenerateDataKeyAsync(http.Principal(), key.Reference, context.Value, body.Value?.NumberOfBytes ?? 32, ct);
        if (!result.IsSuccess) return ProblemMapper.ToResult(result.Error);
        using var dek = result.Value.Plaintext;
        var lease = await DataKeyLeaseBody.ForAsync(http, access, result.Value.KeyId, ct);
        var plaintext = dek.Reveal().ToArray();
        return new SecretJson<Response>(new Response(plaintext, result.Value.CiphertextBlob, result.Value.KeyId, result.Value.KeyVersion) { DataKeyLease = lease },
            ApiJsonContext.Default.GenerateDataKeyResponse, plaintext);
    }
}
