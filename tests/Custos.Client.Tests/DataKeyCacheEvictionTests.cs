using System.Diagnostics.Metrics;
using Custos.Client.Caching;
using Custos.Crypto;
using Custos.Crypto.Envelope;
using Microsoft.Extensions.Time.Testing;

namespace Custos.Client.Tests;

/// <summary>The cache itself: evicted, expired and disposed data keys are zeroed; callers get copies; capacity is bounded.</summary>
public sealed class DataKeyCacheEvictionTests
{
    private static readonly DataKeyLease Lease = new(true, TimeSpan.FromHours(1), 1000, 1L << 30);
    private static readonly WrappedKey[] Wrapped = [new("k", 1, [1])];

    private static DataKeyCache Make(FakeTimeProvider time, int maxEntries = 10, long maxMessages = 1000)
    {
        var meter = new Meter("test");
        return new DataKeyCache(new DataKeyCacheOptions { MaxEntries = maxEntries, MaxMessages = maxMessages, MaxAge = TimeSpan.FromMinutes(1) }, time,
            meter.CreateCounter<long>("h"), meter.CreateCounter<long>("m"), "encrypt");
    }

    private static bool IsZeroed(SecretBytes key) => Assert.Throws<ObjectDisposedException>(() => key.Reveal()) is not null;

    [Fact]
    public void Expired_and_used_up_keys_are_zeroed_when_evicted_and_callers_hold_their_own_copy()
    {
        var time = new FakeTimeProvider();
        using var cache = Make(time, maxMessages: 2);
        using var original = SecretBytes.Random(32);
        cache.Add("a", original, Wrapped, Lease, 0);
        var held = Assert.Single(cache.HeldKeysForTests());
        Assert.False(ReferenceEquals(original, held)); // the cache keeps its own copy

        using var copy = cache.TryUse("a", 0)!;               // message 2 of 2
        Assert.Equal(original, copy.Key);
        Assert.Null(cache.TryUse("a", 0));                    // used up: evicted
        Assert.True(IsZeroed(held));
        Assert.Equal(original, copy.Key);                     // the caller's copy is untouched

        cache.Add("b", original, Wrapped, Lease, 0);
        var b = Assert.Single(cache.HeldKeysForTests());
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(cache.TryUse("b", 0));
        Assert.True(IsZeroed(b));
    }

    [Fact]
    public void Capacity_evicts_the_entry_closest_to_expiry_and_dispose_zeroes_everything()
    {
        var time = new FakeTimeProvider();
        var cache = Make(time, maxEntries: 2);
        using var key = SecretBytes.Random(32);
        cache.Add("first", key, Wrapped, Lease, 0);
        var first = cache.HeldKeysForTests()[0];
        time.Advance(TimeSpan.FromSeconds(1));
        cache.Add("second", key, Wrapped, Lease, 0);
        cache.Add("third", key, Wrapped, Lease, 0);
        Assert.Equal(2, cache.Count);
        Assert.True(IsZeroed(first));
        Assert.Null(cache.TryUse("first", 0));

        var remaining = cache.HeldKeysForTests();
        cache.Dispose();
        Assert.All(remaining, k => Assert.True(IsZeroed(k)));
    }

    [Fact]
    public void A_lease_that_forbids_caching_or_leaves_no_second_message_caches_nothing()
    {
        using var cache = Make(new FakeTimeProvider());
        using var key = SecretBytes.Random(32);
        cache.Add("a", key, Wrapped, DataKeyLease.None, 0);
        cache.Add("b", key, Wrapped, Lease with { MaxMessages = 1 }, 0);
        cache.Add("c", key, Wrapped, Lease with { MaxBytes = 10 }, 11);
        Assert.Equal(0, cache.Count);
    }
}
