using System.Diagnostics.Metrics;
using Custos.Client.Tests.Support;
using Custos.Crypto;
using Microsoft.Extensions.Time.Testing;

namespace Custos.Client.Tests;

/// <summary>The data-key caches against a fake server: off by default, every limit, partitions, leases, counters.</summary>
public sealed class DataKeyCacheTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static EncryptionContext Ctx(string tenant) => EncryptionContext.From(new Dictionary<string, string> { ["tenant"] = tenant });

    private static (FakeCustos Fake, CustosEncryptor Encryptor, FakeTimeProvider Time) Make(DataKeyCacheOptions? encrypt, DataKeyCacheOptions? decrypt = null)
    {
        var fake = new FakeCustos();
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var encryptor = new CustosEncryptor(fake.Client(), new CustosEncryptorOptions { EncryptionCache = encrypt, DecryptionCache = decrypt, TimeProvider = time });
        return (fake, encryptor, time);
    }

    private static async Task EncryptTimesAsync(CustosEncryptor encryptor, int times, int size = 10, string tenant = "a")
    {
        for (int i = 0; i < times; i++) await encryptor.EncryptAsync(new byte[size], "k1", Ctx(tenant), Ct);
    }

    [Fact]
    public async Task Caching_is_off_by_default()
    {
        var fake = new FakeCustos();
        using var encryptor = new CustosEncryptor(fake.Client());
        var envelope = await encryptor.EncryptAsync(new byte[10], "k1", Ctx("a"), Ct);
        await encryptor.EncryptAsync(new byte[10], "k1", Ctx("a"), Ct);
        await encryptor.DecryptAsync(envelope, Ctx("a"), Ct);
        await encryptor.DecryptAsync(envelope, Ctx("a"), Ct);
        Assert.Equal(2, fake.Calls["generate-data-key"]);
        Assert.Equal(2, fake.Calls["decrypt"]);
        Assert.Equal(default, encryptor.CacheStatistics);
    }

    [Fact]
    public async Task Max_age_ends_reuse_on_the_clock()
    {
        var (fake, encryptor, time) = Make(new DataKeyCacheOptions { MaxAge = TimeSpan.FromSeconds(60) });
        using var _ = encryptor;
        await EncryptTimesAsync(encryptor, 3);
        time.Advance(TimeSpan.FromSeconds(59));
        await EncryptTimesAsync(encryptor, 1);
        Assert.Equal(1, fake.Calls["generate-data-key"]);
        time.Advance(TimeSpan.FromSeconds(1));
        await EncryptTimesAsync(encryptor, 1);
        Assert.Equal(2, fake.Calls["generate-data-key"]);
        Assert.Equal(new DataKeyCacheStatistics(3, 2, 0, 0), encryptor.CacheStatistics);
    }

    [Fact]
    public async Task Max_messages_counts_the_first_message()
    {
        var (fake, encryptor, _) = Make(new DataKeyCacheOptions { MaxMessages = 3 });
        using var _e = encryptor;
        await EncryptTimesAsync(encryptor, 7);
        Assert.Equal(3, fake.Calls["generate-data-key"]); // 3 + 3 + 1
    }

    [Fact]
    public async Task Max_bytes_is_never_exceeded()
    {
        var (fake, encryptor, _) = Make(new DataKeyCacheOptions { MaxBytes = 100 });
        using var _e = encryptor;
        await EncryptTimesAsync(encryptor, 3, size: 40);             // 40, 80: one key; 120 would exceed, so a new key
        Assert.Equal(2, fake.Calls["generate-data-key"]);
        await EncryptTimesAsync(encryptor, 1, size: 101);            // larger than the limit: never cached
        await EncryptTimesAsync(encryptor, 1, size: 1);
        Assert.Equal(4, fake.Calls["generate-data-key"]);
    }

    [Fact]
    public async Task Keys_and_contexts_are_separate_partitions()
    {
        var (fake, encryptor, _) = Make(new DataKeyCacheOptions());
        using var _e = encryptor;
        var a = await encryptor.EncryptAsync(new byte[5], "k1", Ctx("a"), Ct);
        var b = await encryptor.EncryptAsync(new byte[5], "k1", Ctx("b"), Ct);
        var c = await encryptor.EncryptAsync(new byte[5], "k2", Ctx("a"), Ct);
        var a2 = await encryptor.EncryptAsync(new byte[5], "k1", Ctx("a"), Ct);
        Assert.Equal(3, fake.Calls["generate-data-key"]);
        Assert.Equal(WrappedBlob(a), WrappedBlob(a2));
        Assert.NotEqual(WrappedBlob(a), WrappedBlob(b));
        Assert.NotEqual(WrappedBlob(a), WrappedBlob(c));
        // A cached data key never crosses contexts: the envelope of context b does not open under a.
        await Assert.ThrowsAsync<InvalidCiphertextException>(() => encryptor.DecryptAsync(b, Ctx("a"), Ct));
    }

    private static byte[] WrappedBlob(byte[] envelope) => Crypto.Envelope.EnvelopeHeader.Parse(envelope, out _).WrappedKeys[0].Blob.ToArray();

    [Fact]
    public async Task Streams_of_unknown_length_get_a_fresh_data_key()
    {
        var (fake, encryptor, _) = Make(new DataKeyCacheOptions());
        using var _e = encryptor;
        for (int i = 0; i < 2; i++) await encryptor.EncryptAsync(new PatternStream(100), Stream.Null, "k1", Ctx("a"), Ct);
        Assert.Equal(2, fake.Calls["generate-data-key"]);
        for (int i = 0; i < 2; i++) await encryptor.EncryptAsync(new PatternStream(100, seekable: true), Stream.Null, "k1", Ctx("a"), Ct);
        Assert.Equal(3, fake.Calls["generate-data-key"]);
    }

    [Fact]
    public async Task The_stricter_of_lease_and_local_limits_applies()
    {
        var (fake, encryptor, time) = Make(new DataKeyCacheOptions { MaxAge = TimeSpan.FromHours(1), MaxMessages = 100 });
        using var _e = encryptor;
        fake.Lease = FakeCustos.LeaseJson(true, 10, 2, 1L << 30);
        await EncryptTimesAsync(encryptor, 4);
        Assert.Equal(2, fake.Calls["generate-data-key"]); // the lease's 2 messages, not the local 100
        time.Advance(TimeSpan.FromSeconds(10));
        await EncryptTimesAsync(encryptor, 1);
        Assert.Equal(3, fake.Calls["generate-data-key"]); // the lease's 10 s, not the local hour
    }

    [Theory]
    [InlineData(false)] // the key's policy forbids caching
    [InlineData(true)]  // an older server sends no lease
    public async Task Without_a_lease_that_allows_it_nothing_is_cached(bool noLease)
    {
        var (fake, encryptor, _) = Make(new DataKeyCacheOptions(), new DataKeyCacheOptions());
        using var _e = encryptor;
        fake.Lease = noLease ? null : FakeCustos.LeaseJson(false, 0, 0, 0);
        var envelope = await encryptor.EncryptAsync(new byte[5], "k1", Ctx("a"), Ct);
        await encryptor.EncryptAsync(new byte[5], "k1", Ctx("a"), Ct);
        await encryptor.DecryptAsync(envelope, Ctx("a"), Ct);
        await encryptor.DecryptAsync(envelope, Ctx("a"), Ct);
        Assert.Equal(2, fake.Calls["generate-data-key"]);
        Assert.Equal(2, fake.Calls["decrypt"]);
    }

    [Fact]
    public async Task Decryption_reuses_the_unwrapped_key_per_blob_and_context_within_its_limits()
    {
        var (fake, encryptor, time) = Make(null, new DataKeyCacheOptions { MaxAge = TimeSpan.FromSeconds(30), MaxMessages = 3 });
        using var _e = encryptor;
        var one = await encryptor.EncryptAsync([1, 2, 3], "k1", Ctx("a"), Ct);
        var two = await encryptor.EncryptAsync([4, 5, 6], "k1", Ctx("a"), Ct);
        for (int i = 0; i < 4; i++) Assert.Equal([1, 2, 3], await encryptor.DecryptAsync(one, Ctx("a"), Ct));
        Assert.Equal(2, fake.Calls["decrypt"]); // 3 messages per cached key
        Assert.Equal([4, 5, 6], await encryptor.DecryptAsync(two, Ctx("a"), Ct));
        Assert.Equal(3, fake.Calls["decrypt"]); // another blob is another partition
        time.Advance(TimeSpan.FromSeconds(30));
        await encryptor.DecryptAsync(one, Ctx("a"), Ct);
        Assert.Equal(4, fake.Calls["decrypt"]);
        Assert.Equal(new DataKeyCacheStatistics(0, 0, 2, 4), encryptor.CacheStatistics);
    }

    [Fact]
    public async Task Decryption_charges_bytes_after_the_message()
    {
        var (fake, encryptor, _) = Make(null, new DataKeyCacheOptions { MaxBytes = 100 });
        using var _e = encryptor;
        var envelope = await encryptor.EncryptAsync(new byte[60], "k1", Ctx("a"), Ct);
        for (int i = 0; i < 3; i++) await encryptor.DecryptAsync(new MemoryStream(envelope), Stream.Null, Ctx("a"), Ct);
        Assert.Equal(2, fake.Calls["decrypt"]); // 60, then 120 ≥ 100: the third message asks again
    }

    [Fact]
    public async Task Hits_and_misses_are_published_as_metrics()
    {
        var counts = new Dictionary<string, long>();
        using var factory = new OneMeterFactory();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (ReferenceEquals(instrument.Meter, factory.Meter)) l.EnableMeasurementEvents(instrument); };
        var encryptor = new CustosEncryptor(new FakeCustos().Client(), new CustosEncryptorOptions { EncryptionCache = new DataKeyCacheOptions(), MeterFactory = factory });
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
                lock (counts) counts[$"{instrument.Name}/{tag.Value}"] = counts.GetValueOrDefault($"{instrument.Name}/{tag.Value}") + value;
        });
        listener.Start();
        using var _e = encryptor;
        await EncryptTimesAsync(encryptor, 5);
        Assert.Equal(4, counts["custos.client.data_key_cache.hits/encrypt"]);
        Assert.Equal(1, counts["custos.client.data_key_cache.misses/encrypt"]);
    }

    /// <summary>Hands out one meter, so the test listens to this encryptor's counters only.</summary>
    private sealed class OneMeterFactory : IMeterFactory
    {
        public Meter? Meter { get; private set; }
        public Meter Create(MeterOptions options) => Meter ??= new Meter(options);
        public void Dispose() => Meter?.Dispose();
    }
}
