namespace Custos.Core.Errors;

/// <summary>
/// Factory for exceptions that mean a bug or a broken invariant (misuse), as opposed to an
/// expected failure, which is a <see cref="CustosError"/> result.
/// </summary>
public static class Error
{
    /// <summary>An invariant that must hold did not.</summary>
    public static InvalidOperationException Invariant(string message) => new($"invariant violated: {message}");

    /// <summary>An infrastructure failure translated at an adapter edge.</summary>
    public static CustosUnavailableException Unavailable(string message, Exception? inner = null) => new(message, inner);
}

/// <summary>A keystore or database failure, already translated and safe to show (no secrets).</summary>
public sealed class CustosUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CustosUnavailableException() { }
    /// <summary>Creates the exception.</summary>
    public CustosUnavailableException(string message) : base(message) { }
    /// <summary>Creates the exception.</summary>
    public CustosUnavailableException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>
/// A keystore refused an operation because it is at its configured rate or concurrency limit (it
/// protects an HSM); nothing was done and the caller may retry after <see cref="RetryAfter"/>.
/// </summary>
public sealed class CustosThrottledException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CustosThrottledException() : this("the keystore is at its operation limit", TimeSpan.FromSeconds(1)) { }
    /// <summary>Creates the exception.</summary>
    public CustosThrottledException(string message) : this(message, TimeSpan.FromSeconds(1)) { }
    /// <summary>Creates the exception.</summary>
    public CustosThrottledException(string message, Exception? innerException) : base(message, innerException) => RetryAfter = TimeSpan.FromSeconds(1);
    /// <summary>Creates the exception with the delay after which a retry is likely to be accepted.</summary>
    public CustosThrottledException(string message, TimeSpan retryAfter) : base(message) => RetryAfter = retryAfter;

    /// <summary>How long the caller should wait before retrying.</summary>
    public TimeSpan RetryAfter { get; }
}
