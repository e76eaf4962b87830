using System.Security.Cryptography;
using Custos.Core.Ports;
using Custos.Core.Seal;
using Custos.Crypto;
using Custos.Keystores.Pkcs11;

namespace Custos.Server.Hosting;

/// <summary>
/// Wires the <c>hsm</c> section: opens the token once at start (so that a missing module, an unknown
/// token or a wrong PIN stops startup with one sentence), and offers it as the HSM keystore, the root
/// key protector (seal type <c>hsm</c>) and, unless switched off, the audit signing key.
/// </summary>
public static class HsmServices
{
    /// <summary>Label of the HSM key that wraps the root key.</summary>
    public const string RootWrapLabel = Pkcs11RootKeyProtector.DefaultLabel;
    /// <summary>Label of the audit signing key pair in the HSM.</summary>
    public const string AuditSigningLabel = "custos-audit-signing";

    /// <summary>Opens the token and registers the HSM services.</summary>
    public static void Add(IServiceCollection services, HsmOptions hsm, ILoggerFactory? loggerFactory = null)
    {
        var token = OpenToken(hsm, loggerFactory?.CreateLogger("Custos.Hsm"));
        services.AddSingleton(_ => token); // made by a factory, so the container disposes it at shutdown
        services.AddSingleton(sp => new Pkcs11Keystore(sp.GetRequiredService<Pkcs11Token>(), sp.GetRequiredService<SealManager>()));
        services.AddSingleton<IKeystore>(sp => sp.GetRequiredService<Pkcs11Keystore>());
        services.AddSingleton<IRootKeyProtector>(sp => new RootKeyProtector(sp.GetRequiredService<Pkcs11Token>()));
        if (hsm.AuditSigningKey)
            services.AddSingleton<IAuditSigningKeySource>(sp => new AuditSigningKeySource(sp.GetRequiredService<Pkcs11Token>()));
    }

    /// <summary>
    /// Opens and logs in to the token an <c>hsm</c> section names: sets the module's environment, reads the PIN (from the
    /// environment variable or file; zeroed after the login) and applies the limits. The caller disposes the token.
    /// </summary>
    public static Pkcs11Token OpenToken(HsmOptions hsm, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(hsm);
        foreach (var (name, value) in hsm.ModuleEnvironment ?? new Dictionary<string, string>())
        {
            Pkcs11Environment.Set(name, value);
        }
        using var pin = hsm.PinEnv is { } env ? Pkcs11Pin.FromEnvironment(env) : Pkcs11Pin.FromFile(hsm.PinFile!);
        return Pkcs11Token.Open(new Pkcs11Options
        {
            ModulePath = hsm.Module,
            TokenLabel = hsm.TokenLabel,
            SlotId = hsm.Slot,
            Pin = pin,
            MaxOperationsPerSecond = hsm.MaxOperationsPerSecond,
            MaxInFlight = hsm.MaxInFlight,
            QueueTimeout = TimeSpan.FromMilliseconds(hsm.QueueTimeoutMilliseconds),
            SessionPoolSize = hsm.SessionPoolSize,
        }, logger);
    }

    /// <summary>The root key protector over the token's wrapping key, found or made on first use.</summary>
    private sealed class RootKeyProtector(Pkcs11Token token) : IRootKeyProtector
    {
        private readonly Lazy<Pkcs11RootKeyProtector> _key = new(() => Pkcs11RootKeyProtector.FindOrCreate(token, RootWrapLabel));

        public string Name => $"{token.Name}/{RootWrapLabel}";

        public byte[] Protect(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> aad) => _key.Value.Protect(secret, aad);

        public SecretBytes? Unprotect(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> aad) => _key.Value.Unprotect(blob, aad);
    }

    /// <summary>The audit signing key pair in the token.</summary>
    private sealed class AuditSigningKeySource(Pkcs11Token token) : IAuditSigningKeySource
    {
        public string Location => $"{token.Name}/{AuditSigningLabel}";

        public ECDsa OpenKey() => Pkcs11EcdsaP256.FindOrCreate(token, AuditSigningLabel);
    }
}
