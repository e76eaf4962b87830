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
