namespace Custos.Core.Errors;

/// <summary>An expected failure: a stable code and a message safe to show to the caller (never secrets).</summary>
public sealed record CustosError(ErrorCode Code, string Message)
{
    /// <summary>Machine-readable facts beside the message (for example the id of the approval request a refusal created); shown as problem extensions.</summary>
    public IReadOnlyDictionary<string, string>? Details { get; init; }
    /// <summary>For <see cref="ErrorCode.Throttled"/>: how long the caller should wait before retrying.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The one decryption failure, identical for every cause.</summary>
    public static CustosError InvalidCiphertext { get; } = new(ErrorCode.InvalidCiphertext, Custos.Crypto.InvalidCiphertextException.FixedMessage);

    /// <summary>The server is sealed.</summary>
    public static CustosError Sealed { get; } = new(ErrorCode.Sealed, "Custos is sealed: unseal it with 'custos unseal' before using keys");

    /// <summary>Shorthand for a validation failure.</summary>
    public static CustosError Invalid(string message) => new(ErrorCode.ValidationFailed, message);

    /// <summary>A request refused by a rate limit; retry after <paramref name="retryAfter"/>.</summary>
    public static CustosError Throttled(string message, TimeSpan retryAfter) => new(ErrorCode.Throttled, message) { RetryAfter = retryAfter };

    /// <summary>Shorthand for a missing key.</summary>
    public static CustosError KeyNotFound(string reference) => new(ErrorCode.NotFound, $"key '{reference}' not found");
}
