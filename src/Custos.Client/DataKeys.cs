using Custos.Crypto;
using Custos.Crypto.Envelope;

namespace Custos.Client;

/// <summary>A fresh data key: the plaintext (dispose it to zero it), its wrapped form and the server's lease.</summary>
public sealed class GeneratedDataKey(SecretBytes plaintext, WrappedKey wrapped, DataKeyLease lease) : IDisposable
{
    /// <summary>The plaintext data key.</summary>
    public SecretBytes Plaintext { get; } = plaintext;
    /// <summary>The data key wrapped by the server's key (key id and version as the server resolved them).</summary>
    public WrappedKey Wrapped { get; } = wrapped;
    /// <summary>How the data key may be reused.</summary>
    public DataKeyLease Lease { get; } = lease;

    /// <summary>Zeroes the plaintext.</summary>
    public void Dispose() => Plaintext.Dispose();
}

/// <summary>A data key wrapped by one more key, and that key's lease.</summary>
public sealed record EncryptedDataKey(WrappedKey Wrapped, DataKeyLease Lease);

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
