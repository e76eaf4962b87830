using Custos.Crypto.Sharing;

namespace Custos.Custodian;

/// <summary>
/// The custodian's P-256 key that dealt shares are encrypted to (an <see cref="EncryptedShare"/> per dealt share), so
/// that the Custos server relaying a key generation or resharing round never sees a share. Kept in a PEM file, mode
/// 0600, made by <c>custos custodian init</c>.
/// </summary>
public static class DkgKey
{
    /// <summary>Writes a fresh key to <paramref name="path"/> (never overwrites).</summary>
    public static void Create(string path)
    {
        using var key = System.Security.Cryptography.ECDiffieHellman.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        SealKeyFile.WriteOwnerOnly(path, key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Reads the key; throws <see cref="InvalidOperationException"/> saying why it cannot be used.</summary>
    public static ShareDecryptionKey Load(string path)
    {
        if (!SealKeyFile.IsOwnerOnly(path)) throw new InvalidOperationException($"DKG key file '{path}' can be read by its group or others; refusing to use it (chmod 600)");
        return ShareDecryptionKey.FromPem(File.ReadAllText(path), out var problem)
            ?? throw new InvalidOperationException($"DKG key file '{path}': {problem}");
    }
}
