using System.Diagnostics.Metrics;

namespace Custos.Client;

/// <summary>Settings of a <see cref="CustosEncryptor"/>. Caching is off unless a cache option is given.</summary>
public sealed class CustosEncryptorOptions
{
    /// <summary>Reuse a data key across messages with the same keys and encryption context; null (default): off.</summary>
    public DataKeyCacheOptions? EncryptionCache { get; init; }

    /// <summary>Reuse an unwrapped data key for the same wrapped blob and encryption context; null (default): off.</summary>
    public DataKeyCacheOptions? DecryptionCache { get; init; }

    /// <summary>Plaintext bytes per frame, 4096 to 1048576 (default 65536).</summary>
    public int FrameLength { get; init; } = Crypto.Envelope.EnvelopeHeader.DefaultFrameLength;

    /// <summary>Clock for cache ages (tests pass a fake one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Creates the <c>Custos.Client</c> meter (cache hit and miss counters); null: a meter of its own.</summary>
    public IMeterFactory? MeterFactory { get; init; }

    /// <summary>Known-answer tests only: a fixed message id (a real envelope's id must never repeat).</summary>
    internal Func<byte[]>? MessageIds { get; init; }
}
