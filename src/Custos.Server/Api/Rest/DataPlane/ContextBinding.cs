using Custos.Core.Errors;
using Custos.Crypto;

namespace Custos.Server.Api.Rest.DataPlane;

/// <summary>Validates an encryption context from a request body.</summary>
public static class ContextBinding
{
    /// <summary>The context, or a validation error naming the broken limit.</summary>
    public static Result<EncryptionContext> From(IReadOnlyDictionary<string, string>? pairs)
    {
        try { return EncryptionContext.From(pairs); }
        catch (ArgumentException e) { return CustosError.Invalid(e.Message); }
    }
}
