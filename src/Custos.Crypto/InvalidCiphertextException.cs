namespace Custos.Crypto;

/// <summary>
/// The one failure every decryption path reports: wrong key, tampered bytes, truncation, another
/// encryption context, a bad commitment. It carries no detail on purpose, so that failures
/// cannot be told apart by an attacker.
/// </summary>
public sealed class InvalidCiphertextException : Exception
{
    /// <summary>The fixed message.</summary>
    public const string FixedMessage = "invalid ciphertext";

    /// <summary>Creates the exception with its fixed message.</summary>
    public InvalidCiphertextException() : base(FixedMessage) { }

    /// <summary>Not used: the message is fixed.</summary>
    public InvalidCiphertextException(string message) : base(FixedMessage) { _ = message; }

    /// <summary>Not used: the message is fixed and the cause is dropped.</summary>
    public InvalidCiphertextException(string message, Exception innerException) : base(FixedMessage) { _ = message; _ = innerException; }
}
