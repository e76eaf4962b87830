using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Custos.Core.Errors;

namespace Custos.Server.Api.Rest;

/// <summary>Reads an optional JSON body: none is null, malformed is a validation error.</summary>
public static class RequestBody
{
    /// <summary>The body as <typeparamref name="T"/>, null when the request has none.</summary>
    public static async Task<Result<T?>> ReadOptionalAsync<T>(HttpContext http, JsonTypeInfo<T> type, CancellationToken ct) where T : class
    {
        if (http.Request.ContentLength is 0 || (http.Request.ContentLength is null && !http.Request.Headers.ContainsKey("Transfer-Encoding")))
            return Result<T?>.Ok(null);
        try
        {
            return Result<T?>.Ok(await JsonSerializer.DeserializeAsync(http.Request.Body, type, ct));
        }
        catch (JsonException e)
        {
            return CustosError.Invalid("request body is not valid JSON: " + JsonErrors.Describe(e));
        }
    }
}

/// <summary>Describes a JSON error by path and position only, never by content.</summary>
public static class JsonErrors
{
    /// <summary>A short, content-free description.</summary>
    public static string Describe(JsonException e)
    {
        var where = e.Path is { Length: > 0 } path ? path : $"line {e.LineNumber + 1}, byte {e.BytePositionInLine}";
        if (e.Message.Contains("could not be mapped", StringComparison.Ordinal)) return $"unknown field {where}";
        if (e.Message.Contains("could not be converted", StringComparison.Ordinal)) return $"wrong type at {where}";
        if (e.Message.Contains("missing required", StringComparison.Ordinal) || e.Message.Contains("null", StringComparison.OrdinalIgnoreCase))
            return $"missing or null value at {where}";
        return $"malformed JSON at {where}";
    }
}
