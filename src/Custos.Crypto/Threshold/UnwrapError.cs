namespace Custos.Crypto.Threshold;

/// <summary>The closed set of reasons a threshold unwrap fails.</summary>
public enum UnwrapError
{
    /// <summary>It did not fail.</summary>
    None = 0,

    /// <summary>Fewer than k valid partial decryptions: fail closed, say how many were needed and how many came.</summary>
    QuorumNotMet = 1,

    /// <summary>k valid partials were combined but the blob does not open: a changed blob, or another key, version or context. No detail, on purpose.</summary>
    InvalidCiphertext = 2,
}
