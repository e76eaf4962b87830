namespace Custos.Client;

/// <summary>
/// The server refused a call, or could not be reached. <see cref="Code"/> is the server's stable problem code
/// (for example <c>key-disabled</c>, <c>forbidden</c>, <c>approval-required</c>) or <c>unavailable</c> when
/// no answer came. Messages never contain key material or plaintext. A data-key blob the server cannot
/// decrypt is reported by <see cref="CustosEncryptor"/> as <see cref="Crypto.InvalidCiphertextException"/>.
/// </summary>
public sealed class CustosException : Exception
{
    /// <summary>Code used when the server could not be reached or did not answer in time.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>Creates the exception.</summary>
    public CustosException(int status, string? code, string message, Exception? innerException = null) : base(message, innerException)
    {
        Status = status;
        Code = code;
    }

    /// <summary>Creates the exception.</summary>
    public CustosException() { }

    /// <summary>Creates the exception.</summary>
    public CustosException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public CustosException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>HTTP status, or 0 when no answer came.</summary>
    public int Status { get; }

    /// <summary>Stable problem code, when the server gave one.</summary>
    public string? Code { get; }

    /// <summary>True when no answer came (network, TLS, timeout): another server may still work.</summary>
    public bool IsUnavailable => Code == Unavailable;
}
