namespace Custos.Keystores.Pkcs11;

/// <summary>An HSM operation: its metric tag (<c>hsm.operation</c>) and the verb its error messages use.</summary>
internal sealed record Pkcs11Operation(string Tag, string Verb)
{
    public static Pkcs11Operation CreateKey { get; } = new("create", "create a key");
    public static Pkcs11Operation Encrypt { get; } = new("encrypt", "encrypt");
    public static Pkcs11Operation Decrypt { get; } = new("decrypt", "decrypt");
    public static Pkcs11Operation DestroyKey { get; } = new("destroy", "destroy a key");
    public static Pkcs11Operation Evidence { get; } = new("evidence", "read a key's attributes");
    public static Pkcs11Operation RootKey { get; } = new("root_key", "find or create the root wrapping key");
    public static Pkcs11Operation Protect { get; } = new("protect", "protect a secret under the root wrapping key");
    public static Pkcs11Operation Unprotect { get; } = new("unprotect", "unprotect a secret under the root wrapping key");
    public static Pkcs11Operation SigningKey { get; } = new("signing_key", "find or create the signing key");
    public static Pkcs11Operation Sign { get; } = new("sign", "sign");
    public static Pkcs11Operation Inspect { get; } = new("inspect", "inspect objects");
}
