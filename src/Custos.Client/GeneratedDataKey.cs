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
