using Custos.Crypto;

namespace Custos.Core.Ports;

/// <summary>
/// Gives the software keystore the keyring key while Custos is unsealed. The key exists only in
/// memory, between an unseal and the next seal.
/// </summary>
public interface IKeyringProvider
{
    /// <summary>The keyring key, or null while sealed. Do not dispose it or keep it past <see cref="Sealed"/>.</summary>
    SecretBytes? Keyring { get; }

    /// <summary>Raised right after sealing; listeners must drop (and zero) everything derived from the keyring.</summary>
    event EventHandler? Sealed;
}
