namespace Custos.Core.Keys;

/// <summary>Lifecycle state of a key.</summary>
public enum KeyState
{
    /// <summary>Usable: the primary version encrypts, every version decrypts.</summary>
    Enabled,
    /// <summary>Not usable until enabled again.</summary>
    Disabled,
    /// <summary>Waiting for destruction; not usable; the destruction can be cancelled.</summary>
    PendingDestruction,
    /// <summary>Material gone for every version, metadata kept. Final.</summary>
    Destroyed,
}

/// <summary>What a key may be used for.</summary>
public enum KeyPurpose
{
    /// <summary>Encrypt and decrypt small data and data keys (envelope encryption).</summary>
    EncryptDecrypt,
}

/// <summary>Where a key's material is held.</summary>
public enum KeyCustody
{
    /// <summary>Sealed software keystore: material wrapped under the root key in the database.</summary>
    Software,
    /// <summary>A PKCS#11 HSM.</summary>
    Hsm,
    /// <summary>Split across custodians; never reassembled.</summary>
    Threshold,
    /// <summary>A remote (cloud) KMS.</summary>
    Remote,
}

/// <summary>Sensitivity classification, lowest to highest.</summary>
public enum Classification
{
    /// <summary>Public.</summary>
    Public,
    /// <summary>Internal.</summary>
    Internal,
    /// <summary>Confidential.</summary>
    Confidential,
    /// <summary>Restricted.</summary>
    Restricted,
    /// <summary>Secret.</summary>
    Secret,
}

/// <summary>The algorithm of a key's material. A closed set.</summary>
public enum KeySpec
{
    /// <summary>AES-256 used with GCM.</summary>
    Aes256Gcm,
}

/// <summary>State of one key version.</summary>
public enum KeyVersionState
{
    /// <summary>Material present.</summary>
    Enabled,
    /// <summary>Material destroyed.</summary>
    Destroyed,
}

/// <summary>Stable lower-case wire names of the key enums.</summary>
public static class KeyNames
{
    /// <summary>Wire name of a state.</summary>
    public static string Name(this KeyState s) => s switch
    {
        KeyState.Enabled => "enabled",
        KeyState.Disabled => "disabled",
        KeyState.PendingDestruction => "pending-destruction",
        KeyState.Destroyed => "destroyed",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    /// <summary>Wire name of a purpose.</summary>
    public static string Name(this KeyPurpose p) => p switch
    {
        KeyPurpose.EncryptDecrypt => "encrypt-decrypt",
        _ => throw new ArgumentOutOfRangeException(nameof(p)),
    };

    /// <summary>Wire name of a custody.</summary>
    public static string Name(this KeyCustody c) => c switch
    {
        KeyCustody.Software => "software",
        KeyCustody.Hsm => "hsm",
        KeyCustody.Threshold => "threshold",
        KeyCustody.Remote => "remote",
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    /// <summary>Wire name of a classification.</summary>
    public static string Name(this Classification c) => c.ToString().ToLowerInvariant();

    /// <summary>Wire name of a spec.</summary>
    public static string Name(this KeySpec s) => s switch
    {
        KeySpec.Aes256Gcm => "aes-256-gcm",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    /// <summary>Wire name of a version state.</summary>
    public static string Name(this KeyVersionState s) => s.ToString().ToLowerInvariant();

    /// <summary>Parses a wire name of <typeparamref name="T"/>; null when unknown.</summary>
    public static T? Parse<T>(string? name) where T : struct, Enum
    {
        if (name is null) return null;
        foreach (var v in Enum.GetValues<T>())
        {
            if (string.Equals(NameOf(v), name, StringComparison.OrdinalIgnoreCase)) return v;
        }
        return null;
    }

    private static string NameOf<T>(T v) where T : struct, Enum => v switch
    {
        KeyState s => s.Name(),
        KeyPurpose p => p.Name(),
        KeyCustody c => c.Name(),
        Classification c => c.Name(),
        KeySpec s => s.Name(),
        KeyVersionState s => s.Name(),
        _ => v.ToString().ToLowerInvariant(),
    };
}
