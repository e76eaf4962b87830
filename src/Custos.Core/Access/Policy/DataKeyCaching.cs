namespace Custos.Core.Access.Policy;

/// <summary>
/// The <c>dataKeyCaching</c> section of a policy document: how long, for how many messages and for how many
/// bytes a client may reuse a data key it got from generate-data-key or decrypt (docs/access.md). The server
/// hands these limits out as a <see cref="DataKeyLease"/>; the SDK applies the stricter of the lease and its
/// own settings. <see cref="Default"/> applies to every key; every rule that selects a key tightens it
/// further (they add up, the smallest limit wins), and one rule with <c>forbid</c> turns caching off.
/// Without the section the built-in <see cref="BuiltIn"/> applies.
/// </summary>
public sealed record DataKeyCachingPolicy
{
    /// <summary>Limits for every key; absent: the built-in defaults (300 s, 100 000 messages, 4 GiB).</summary>
    public DataKeyCacheLimits? Default { get; set; }

    /// <summary>Rules that tighten the limits for the keys they select, or forbid caching.</summary>
    public IReadOnlyList<DataKeyCachingRule>? Rules { get; set; }

    /// <summary>What applies to a policy without the section: the default limits, and no caching for secret keys.</summary>
    public static DataKeyCachingPolicy BuiltIn { get; } = new()
    {
        Rules = [new DataKeyCachingRule { Id = "no-caching-for-secret-keys", Keys = new KeySelector { Classifications = ["secret"] }, Forbid = true }],
    };
}

/// <summary>Upper bounds on reusing one data key; an absent member leaves that bound as it was.</summary>
public sealed record DataKeyCacheLimits
{
    /// <summary>Seconds after it was issued that a data key may be reused (1-86400).</summary>
    public int? MaxAgeSeconds { get; set; }
    /// <summary>Messages one data key may encrypt or decrypt (1-4294967296).</summary>
    public long? MaxMessages { get; set; }
    /// <summary>Plaintext bytes one data key may encrypt or decrypt (1-2^50).</summary>
    public long? MaxBytes { get; set; }
}

/// <summary>One rule: which keys, and either <see cref="Forbid"/> or tighter limits.</summary>
public sealed record DataKeyCachingRule
{
    /// <summary>Unique name (1-64 of a-z, 0-9, '-').</summary>
    public string Id { get; set; } = "";
    /// <summary>Why the rule exists.</summary>
    public string? Description { get; set; }
    /// <summary>Which keys; absent means every key.</summary>
    public KeySelector? Keys { get; set; }
    /// <summary>No caching at all for the selected keys.</summary>
    public bool Forbid { get; set; }
    /// <summary>See <see cref="DataKeyCacheLimits.MaxAgeSeconds"/>.</summary>
    public int? MaxAgeSeconds { get; set; }
    /// <summary>See <see cref="DataKeyCacheLimits.MaxMessages"/>.</summary>
    public long? MaxMessages { get; set; }
    /// <summary>See <see cref="DataKeyCacheLimits.MaxBytes"/>.</summary>
    public long? MaxBytes { get; set; }
}
