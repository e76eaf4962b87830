using Custos.Server.Api.Rest.Keys;
using System.Security.Cryptography;
using Custos.Core.Service;

namespace Custos.Server.Api.Rest.DataPlane;

/// <summary>POST /v1/keys/{key}/encrypt — encrypts up to 4 KiB under the key's primary version.</summary>
public static class Encrypt
{
    /// <summary>Request: plaintext in base64 and the encryption context to bind.</summary>
    public sealed record Request(byte[]? Plaintext = null, IReadOnlyDictionary<string, string>? EncryptionContext = null);

    /// <summary>Response: the ciphertext blob.</summary>
    public sealed record Response(byte[] CiphertextBlob, string KeyId, int KeyVersion)
    {
        /// <summary>Reuse limits for the encrypted data key; only when asked for (<see cref="DataKeyLeaseBody.RequestHeader"/>).</summary>
        public DataKeyLeaseBody? DataKeyLease { get; init; }
    }

    /// <summary>Maps the route.</summary>
    public static void Map(RouteGroupBuilder keys) =>
        Keys.KeyRoute.Map(keys, "POST", "/encrypt", Handle).Configure(b => b
            .WithSummary("Encrypt up to 4 KiB").Accepts<Request>("application/json")
            .Produces<Response>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409));

    private static async Task<IResult> Handle(Keys.KeyRoute key, HttpContext http, KeyAccessService access, CancellationToken ct)
    {
        var body = await RequestBody.ReadOptionalAsync(http, ApiJsonContext.Default.EncryptRequest, ct);
        if (!body.IsSuccess) return ProblemMapper.ToResult(body.Error);
        var plaintext = body.Value?.Plaintext ?? [];
        try
        {
            var context = ContextBinding.From(body.Value?.EncryptionContext);
            if (!context.IsSuccess) return ProblemMapper.ToResult(context.Error);
            var result = await access.EncryptAsync(http.Principal(), key.Reference, plaintext, context.Value, ct);
            if (!result.IsSuccess) return ProblemMapper.ToResult(result.Error);
            var lease = await DataKeyLeaseBody.ForAsync(http, access, result.Value.KeyId, ct);
            return result.ToHttp(r => new Response(r.CiphertextBlob, r.KeyId, r.KeyVersion) { DataKeyLease = lease });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
