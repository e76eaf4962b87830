using Custos.Crypto;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Custos.Keystores.Pkcs11;

/// <summary>
/// The HSM as a root of trust for secrets Custos keeps elsewhere (the seal's root key, for example): an
/// AES-256 key with a fixed label, generated in the token, non-extractable and sensitive, usable only to
/// encrypt and decrypt, protects small secrets with <c>CKM_AES_GCM</c>:
/// <code>{ iv 12 | ciphertext | tag 16 }, AAD as given</code>
/// Synchronous: callers (unseal, startup) use it rarely. Every call goes through the token's limiter.
/// </summary>
public sealed class Pkcs11RootKeyProtector
{
    /// <summary>The label used when none is given.</summary>
    public const string DefaultLabel = "custos-root-wrap";

    /// <summary>Largest secret accepted.</summary>
    public const int MaxSecretLength = 4096;

    private readonly Pkcs11Token _token;

    private Pkcs11RootKeyProtector(Pkcs11Token token, string label)
    {
        _token = token;
        Label = label;
    }

    /// <summary>The <c>CKA_LABEL</c> of the wrapping key.</summary>
    public string Label { get; }

    /// <summary>
    /// Finds the AES key labelled <paramref name="label"/> on <paramref name="token"/>, or generates it there.
    /// Throws when the token holds several keys with that label.
    /// </summary>
    public static Pkcs11RootKeyProtector FindOrCreate(Pkcs11Token token, string label = DefaultLabel)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentException.ThrowIfNullOrEmpty(label);
        token.Run(Pkcs11Operation.RootKey, label, static (s, label) =>
        {
            lock (s.ObjectWrites) return KeyOf(s, label, create: true);
        });
        return new Pkcs11RootKeyProtector(token, label);
    }

    /// <summary>Encrypts <paramref name="secret"/> (at most 4 KiB) under the root key, binding <paramref name="aad"/>.</summary>
    public byte[] Protect(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> aad)
    {
        if (secret.Length > MaxSecretLength)
            throw new ArgumentException($"the root key protects at most {MaxSecretLength} bytes", nameof(secret));
        // The span cannot enter the closure: copy into a pinned, zeroed-after-use buffer.
        using var input = SecretBytes.CopyFrom(secret);
        return _token.Run(Pkcs11Operation.Protect, (Label: Label, Input: input, Aad: aad.ToArray()),
            static (s, a) => s.SealGcm(KeyOf(s, a.Label, create: false), a.Input.Reveal(), a.Aad));
    }

    /// <summary>
    /// Reverses <see cref="Protect"/>; null when <paramref name="blob"/> or <paramref name="aad"/> does not
    /// authenticate (never the reason why).
    /// </summary>
    public SecretBytes? Unprotect(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> aad)
    {
        if (blob.Length < Pkcs11Session.IvLength + Pkcs11Session.TagLength || blob.Length > Pkcs11Session.IvLength + MaxSecretLength + Pkcs11Session.TagLength)
            return null;
        return _token.Run(Pkcs11Operation.Unprotect, (Label: Label, Blob: blob.ToArray(), Aad: aad.ToArray()),
            static (s, a) => s.OpenGcm(KeyOf(s, a.Label, create: false), a.Blob, a.Aad));
    }

    private static IObjectHandle KeyOf(Pkcs11Session s, string label, bool create)
    {
        var key = s.FindByLabel(CKO.CKO_SECRET_KEY, label);
        if (key is not null) return key;
        if (!create) throw Core.Errors.Error.Invariant($"the root wrapping key '{label}' is no longer on HSM token '{s.TokenLabel}'");
        key = s.GenerateAesKey(label, ckaId: null);
        s.RememberLabel(CKO.CKO_SECRET_KEY, label, key);
        return key;
    }
}
