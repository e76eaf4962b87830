using Custos.Crypto;
using Custos.Crypto.Envelope;

namespace Custos.Client;

/// <summary>An unwrapped data key (dispose it to zero it) and the lease of the key that unwrapped it.</summary>
public sealed class DecryptedDataKey(SecretBytes plaintext, string keyId, int keyVersion, DataKeyLease lease) : IDisposable
{
    /// <summary>The plaintext data key.</summary>
    public SecretBytes Plaintext { get; } = plaintext;
    /// <summary>The key that unwrapped it.</summary>
    public string KeyId { get; } = keyId;
    /// <summary>Its version.</summary>
    public int KeyVersion { get; } = keyVersion;
    /// <summary>How the data key may be reused.</summary>
    public DataKeyLease Lease { get; } = lease;

    /// <summary>Zeroes the plaintext.</summary>
    public void Dispose() => Plaintext.Dispose();
}
