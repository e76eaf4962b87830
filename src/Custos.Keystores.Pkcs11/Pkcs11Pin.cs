using System.Security.Cryptography;
using System.Text;
using Custos.Core.Errors;
using Custos.Crypto;

namespace Custos.Keystores.Pkcs11;

/// <summary>
/// Reads the HSM user PIN from where the operator put it, into a <see cref="SecretBytes"/> (UTF-8) that
/// the caller disposes. Errors are one sentence that names the variable or file, never the PIN.
/// </summary>
public static class Pkcs11Pin
{
    /// <summary>
    /// The PIN from environment variable <paramref name="name"/>. The runtime already holds the variable
    /// as a string the process cannot zero; prefer <see cref="FromFile"/> where that matters.
    /// </summary>
    public static SecretBytes FromEnvironment(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var value = Environment.GetEnvironmentVariable(name);
        if (value is null) throw Error.Unavailable($"the environment variable {name}, which should hold the HSM PIN, is not set");
        if (value.Length == 0) throw Error.Unavailable($"the environment variable {name}, which should hold the HSM PIN, is empty");
        var pin = SecretBytes.Allocate(Encoding.UTF8.GetByteCount(value));
        Encoding.UTF8.GetBytes(value, pin.RevealForWrite());
        return pin;
    }

    /// <summary>
    /// The PIN from the file at <paramref name="path"/> (its whole content, without one trailing newline).
    /// </summary>
    public static SecretBytes FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] content;
        try { content = File.ReadAllBytes(path); }
        catch (FileNotFoundException e) { throw Error.Unavailable($"the HSM PIN file '{path}' does not exist", e); }
        catch (DirectoryNotFoundException e) { throw Error.Unavailable($"the HSM PIN file '{path}' does not exist", e); }
        catch (UnauthorizedAccessException e) { throw Error.Unavailable($"the HSM PIN file '{path}' cannot be read by this process", e); }
        catch (IOException e) { throw Error.Unavailable($"the HSM PIN file '{path}' cannot be read ({e.GetType().Name})", e); }
        try
        {
            int length = content.Length;
            if (length > 0 && content[length - 1] == (byte)'\n') length--;
            if (length > 0 && content[length - 1] == (byte)'\r') length--;
            if (length == 0) throw Error.Unavailable($"the HSM PIN file '{path}' is empty");
            return SecretBytes.CopyFrom(content.AsSpan(0, length));
        }
        finally { CryptographicOperations.ZeroMemory(content); }
    }
}
