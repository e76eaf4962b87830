using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Custos.Server.Api.Rest.DataPlane;

/// <summary>
/// A 200 JSON response that carries secret bytes (a plaintext or data key): it serializes straight into
/// a pooled buffer, writes it, then zeroes the serialized bytes and the secret array.
/// </summary>
public sealed class SecretJson<T>(T body, JsonTypeInfo<T> type, byte[] secret) : IResult
{
    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        try
        {
            using (var writer = new Utf8JsonWriter(buffer))
            {
                JsonSerializer.Serialize(writer, body, type);
            }
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            httpContext.Response.Headers.CacheControl = "no-store";
            httpContext.Response.ContentLength = buffer.WrittenCount;
            await httpContext.Response.Body.WriteAsync(buffer.WrittenMemory);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsMemory(buffer.WrittenMemory).Span);
            CryptographicOperations.ZeroMemory(secret);
        }
    }
}
