namespace Custos.Client;

/// <summary>Hits and misses of a <see cref="CustosEncryptor"/>'s two data-key caches since it was made (all zero while caching is off).</summary>
public readonly record struct DataKeyCacheStatistics(long EncryptHits, long EncryptMisses, long DecryptHits, long DecryptMisses);
