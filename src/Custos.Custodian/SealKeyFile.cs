using System.Security.Cryptography;
using Custos.Crypto;

namespace Custos.Custodian;

/// <summary>
/// The custodian's root key, read from a file (32 random bytes, base64, one line) made by
/// <c>custos custodian init</c>. It seals every share at rest (<see cref="ShareSeal"/>) and the audit signing key.
/// This is the weakest protection Custos offers: anyone who can read the file and the database holds the share.
/// The node refuses a file that its group or others can read or write, and says at every start what it is.
/// </summary>
public static class SealKeyFile
{
    /// <summary>Bytes in the root key.</summary>
    public const int KeySize = 32;

    private const UnixFileMode Loose = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Writes a fresh root key to <paramref name="path"/> (mode 0600). Never overwrites.</summary>
    public static void Create(string path)
    {
        if (File.Exists(path)) throw new InvalidOperationException($"'{path}' exists already; a custodian keeps its root key (remove the file only to start over without its shares)");
        var key = RandomNumberGenerator.GetBytes(KeySize);
        try
        {
            WriteOwnerOnly(path, Convert.ToBase64String(key) + "\n");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Reads the root key; throws <see cref="InvalidOperationException"/> saying why it cannot be used.</summary>
    public static SecretBytes Load(string path)
    {
        if (!File.Exists(path)) throw new InvalidOperationException($"seal key file '{path}' does not exist: make it with 'custos custodian init'");
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & Loose) != 0)
            throw new InvalidOperationException($"seal key file '{path}' can be read or written by its group or others; refusing to use it (chmod 600 '{path}')");
        var text = File.ReadAllText(path).Trim();
        var buffer = new byte[KeySize + 3];
        try
        {
            if (!Convert.TryFromBase64String(text, buffer, out int written) || written != KeySize)
                throw new InvalidOperationException($"seal key file '{path}' does not hold a 32-byte key in base64");
            return SecretBytes.CopyFrom(buffer.AsSpan(0, KeySize));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>Writes a file readable by its owner only.</summary>
    public static void WriteOwnerOnly(string path, string contents)
    {
        using (var f = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write,
            UnixCreateMode = OperatingSystem.IsWindows() ? null : UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        using (var w = new StreamWriter(f)) w.Write(contents);
    }

    /// <summary>True when only the owner may read or write <paramref name="path"/>.</summary>
    public static bool IsOwnerOnly(string path) => OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & Loose) == 0;
}
