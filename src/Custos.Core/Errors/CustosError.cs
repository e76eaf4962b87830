namespace Custos.Core.Errors;

/// <summary>An expected failure: a stable code and a message safe to show to the caller (never secrets).</summary>
public sealed record CustosError(ErrorCode Code, string Message)
{
    /// <summary>Machine-readable facts beside the message (for example the id of the approval request a refusal created); shown as problem extensions.</summary>
    public IReadOnlyDictionary<string, string>? Details { get; init; }

    /// <summary>The one decryption failure, identical for every cause.</summary>
    public static CustosError InvalidCiphertext { get; } = new(ErrorCode.InvalidCiphertext, Custos.Crypto.InvalidCiphertextException.FixedMessage);

    /// <summary>The server is sealed.</summary>
    public static CustosError Sealed { get; } = new(ErrorCode.Sealed, "Custos is sealed: unseal it with 'custos unseal' before using keys");

    /// <summary>Shorthand for a validation failure.</summary>
    public static CustosError Invalid(string message) => new(ErrorCode.ValidationFailed, message);

    /// <summary>The name of the <see cref="Details"/> entry with the seconds after which a throttled request may be retried.</summary>
    public const string RetryAfterSeconds = "retryAfterSeconds";

    /// <summary>A request refused by a rate limit; retry after <paramref name="retryAfter"/> (at least a second).</summary>
    public static CustosError Throttled(string message, TimeSpan retryAfter) => new(ErrorCode.Throttled, message)
    {
        Details = new Dictionary<string, string>
        {
            [RetryAfterSeconds] = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
    };

    /// <summary>Shorthand for a missing key.</summary>
    public static CustosError KeyNotFound(string reference) => new(ErrorCode.NotFound, $"key '{reference}' not found");
}
