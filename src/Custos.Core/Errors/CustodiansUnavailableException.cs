namespace Custos.Core.Errors;

/// <summary>
/// Too few custodians of a threshold key took part (down, refusing, or answering with invalid partials), so the operation
/// failed closed; the message says how many were needed and how many answered ("2 of 3 custodians needed, 1 answered").
/// Thrown by the threshold keystore, turned into <see cref="ErrorCode.CustodiansUnavailable"/> by the service that called it.
/// </summary>
public sealed class CustodiansUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CustodiansUnavailableException() { }
    /// <summary>Creates the exception.</summary>
    public CustodiansUnavailableException(string message) : base(message) { }
    /// <summary>Creates the exception.</summary>
    public CustodiansUnavailableException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>The error to answer.</summary>
    public CustosError ToError() => new(ErrorCode.CustodiansUnavailable, Message);
}
