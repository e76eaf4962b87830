using Custos.Crypto.Envelope;

namespace Custos.Client;

/// <summary>A data key wrapped by one more key, and that key's lease.</summary>
public sealed record EncryptedDataKey(WrappedKey Wrapped, DataKeyLease Lease);
