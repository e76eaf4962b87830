namespace Custos.Core.Seal;

/// <summary>
/// How this deployment's root of trust is set up. Stored once at initialisation; holds no secret:
/// the keyring key is stored only encrypted under the root key, and the root key exists only as
/// shares held by operators (or, in dev mode, in the dev folder) and, after unseal, in memory.
/// </summary>
/// <param name="Type">"shamir" (K-of-N operator shares), "hsm" (root key wrapped by an HSM key, unsealed at start; the shares recover it) or "dev" (one share kept on disk, insecure).</param>
/// <param name="Shares">N, the number of shares handed out.</param>
/// <param name="Threshold">K, the number of shares that unseal.</param>
/// <param name="RootKeyId">Non-secret id of the root key, bound into every share.</param>
/// <param name="EncryptedKeyring">The keyring key sealed under the root key: <c>{ nonce 12 | ciphertext 32 | tag 16 }</c>.</param>
/// <param name="CreatedAt">When Custos was initialised.</param>
/// <param name="WrappedRootKey">Seal type "hsm": the root key encrypted by the HSM's wrapping key (the shares are then recovery shares).</param>
/// <param name="RootKeyProtector">Seal type "hsm": where the wrapping key lives (<see cref="Ports.IRootKeyProtector.Name"/>).</param>
/// <param name="CeremonyId">The init ceremony, when initialisation was held as one: Custos cannot be unsealed until it completes.</param>
public sealed record SealConfiguration(
    string Type,
    int Shares,
    int Threshold,
    string RootKeyId,
    byte[] EncryptedKeyring,
    DateTimeOffset CreatedAt,
    byte[]? WrappedRootKey = null,
    string? RootKeyProtector = null,
    string? CeremonyId = null);
