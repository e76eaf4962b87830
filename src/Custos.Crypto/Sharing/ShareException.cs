namespace Custos.Crypto.Sharing;

/// <summary>
/// A share could not be parsed or a set of shares could not be combined. The message says what is
/// wrong (wrong key, duplicate index, too few shares, a forged or corrupt share) and never contains
/// share or secret bytes.
/// </summary>
public sealed class ShareException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public ShareException() : base("invalid share") { }

    /// <summary>Creates the exception with a non-secret message.</summary>
    public ShareException(string message) : base(message) { }

    /// <summary>Creates the exception with a non-secret message and its cause.</summary>
    public ShareException(string message, Exception innerException) : base(message, innerException) { }
}
