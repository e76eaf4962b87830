using Custos.Crypto;
using Custos.Crypto.Primitives;
using Custos.Keystores.Pkcs11;
using Custos.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Custos.Custodian;

/// <summary>
/// What seals a custodian's secrets at rest (every share, <see cref="ShareSeal"/>, and its audit signing key): an
/// AES-256-GCM root key, either in a key file on the machine (<c>sealKeyFile</c>, the weakest option) or generated in an
/// HSM over PKCS#11 (<c>hsm</c>: non-extractable and sensitive, so the key never exists outside the token and a copy of
/// the machine's disk and database opens nothing). Both write <c>{ nonce 12 | ciphertext | tag 16 }</c> with the
/// caller's AAD. A custodian keeps the seal it started with: shares sealed under one do not open under the other.
/// </summary>
public abstract class CustodianSeal : IDisposable
{
    /// <summary>The <c>CKA_LABEL</c> of the custodian's seal key in its HSM.</summary>
    public const string HsmKeyLabel = "custos-custodian-seal";

    /// <summary>What holds the root key, for the start-up message ("HSM token 'custodian-a', key 'custos-custodian-seal'").</summary>
    public abstract string Description { get; }

    /// <summary>True when the root key is in hardware (an HSM), false for a key file.</summary>
    public abstract bool InHardware { get; }

    /// <summary>Encrypts <paramref name="secret"/> under the root key, binding <paramref name="aad"/>.</summary>
    public abstract byte[] Seal(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> aad);

    /// <summary>Reverses <see cref="Seal"/>; null when <paramref name="sealedSecret"/> or <paramref name="aad"/> does not authenticate (never why).</summary>
    public abstract SecretBytes? Open(ReadOnlySpan<byte> sealedSecret, ReadOnlySpan<byte> aad);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the key (zeroes it, or closes the token).</summary>
    protected abstract void Dispose(bool disposing);

    /// <summary>
    /// The seal the configuration names: its <c>hsm</c> section (the key is found on the token, or generated there on first
    /// start) or its <c>sealKeyFile</c>. Throws <see cref="InvalidOperationException"/> saying why it cannot be used.
    /// </summary>
    public static CustodianSeal Open(CustodianOptions options, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Hsm is { } hsm ? HsmSeal.Open(hsm, loggers) : new KeyFileSeal(SealKeyFile.Load(options.SealKeyFile), options.SealKeyFile);
    }

    /// <summary>A seal over a root key in memory (read from a key file; also for tests).</summary>
    public static CustodianSeal FromKey(SecretBytes rootKey, string description) => new KeyFileSeal(rootKey, description);

    private sealed class KeyFileSeal(SecretBytes key, string path) : CustodianSeal
    {
        public override string Description => $"key file '{path}'";
        public override bool InHardware => false;
        public override byte[] Seal(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> aad) => Aead.Seal(key.Reveal(), secret, aad);
        public override SecretBytes? Open(ReadOnlySpan<byte> sealedSecret, ReadOnlySpan<byte> aad) => Aead.Open(key.Reveal(), sealedSecret, aad);
        protected override void Dispose(bool disposing) => key.Dispose();
    }

    private sealed class HsmSeal(Pkcs11Token token, Pkcs11RootKeyProtector key) : CustodianSeal
    {
        public static HsmSeal Open(HsmOptions hsm, ILoggerFactory? loggers)
        {
            var token = HsmServices.OpenToken(hsm, loggers?.CreateLogger("Custos.Custodian.Hsm"));
            try
            {
                return new HsmSeal(token, Pkcs11RootKeyProtector.FindOrCreate(token, HsmKeyLabel));
            }
            catch
            {
                token.Dispose();
                throw;
            }
        }

        public override string Description => $"AES-256 key '{key.Label}' in HSM token '{token.Label}' (non-extractable)";
        public override bool InHardware => true;
        public override byte[] Seal(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> aad) => key.Protect(secret, aad);
        public override SecretBytes? Open(ReadOnlySpan<byte> sealedSecret, ReadOnlySpan<byte> aad) => key.Unprotect(sealedSecret, aad);
        protected override void Dispose(bool disposing) => token.Dispose();
    }
}
