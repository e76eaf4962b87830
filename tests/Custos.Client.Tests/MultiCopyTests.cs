using Custos.Client.Tests.Support;
using Custos.Crypto;
using Custos.Server.Tests.Support;

namespace Custos.Client.Tests;

/// <summary>Several wrapped copies: one envelope under keys on two real servers; either alone can decrypt it.</summary>
public sealed class MultiCopyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly EncryptionContext Context = EncryptionContext.From(new Dictionary<string, string> { ["record"] = "42" });

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task With_one_of_two_keystores_unavailable_decryption_still_works(int stopped)
    {
        var servers = new[] { await TestServer.StartAsync(Ct), await TestServer.StartAsync(Ct) };
        try
        {
            await Servers.CreateKeyAsync(servers[0], "eu-kek");
            await Servers.CreateKeyAsync(servers[1], "ch-kek");
            using var eu = Servers.Client(servers[0], retries: 1);
            using var ch = Servers.Client(servers[1], retries: 1);
            var plaintext = new byte[10_000];
            Random.Shared.NextBytes(plaintext);
            byte[] envelope;
            using (var writer = new CustosEncryptor([eu, ch]))
                envelope = await writer.EncryptAsync(plaintext, [new KeyTarget(eu, "alias/eu-kek"), new KeyTarget(ch, "alias/ch-kek")], Context, Ct);
            Assert.Equal(2, Crypto.Envelope.EnvelopeHeader.Parse(envelope, out _).WrappedKeys.Count);

            await servers[stopped].StopAsync();
            using var reader = new CustosEncryptor([eu, ch]); // a fresh reader: nothing cached, no routes learnt
            Assert.Equal(plaintext, await reader.DecryptAsync(envelope, Context, Ct));
            var output = new MemoryStream();
            await reader.DecryptAsync(new MemoryStream(envelope), output, Context, Ct);
            Assert.Equal(plaintext, output.ToArray());
        }
        finally
        {
            foreach (var s in servers) await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task With_every_keystore_unavailable_the_error_says_so_and_is_not_invalid_ciphertext()
    {
        var fakeA = new FakeCustos();
        var fakeB = new FakeCustos();
        using var a = fakeA.Client();
        using var b = fakeB.Client();
        using var encryptor = new CustosEncryptor([a, b]);
        var envelope = await encryptor.EncryptAsync([1, 2], [new KeyTarget(a, "k-a"), new KeyTarget(b, "k-b")], Context, Ct);
        fakeA.Down = true;
        Assert.Equal([1, 2], await encryptor.DecryptAsync(envelope, Context, Ct));
        Assert.Equal(1, fakeB.Calls["decrypt"]);
        fakeB.Down = true;
        var e = await Assert.ThrowsAsync<CustosException>(() => encryptor.DecryptAsync(envelope, Context, Ct));
        Assert.True(e.IsUnavailable);
    }

    [Fact]
    public async Task The_decryption_cache_counts_one_lookup_per_message_whatever_the_number_of_copies()
    {
        var fake = new FakeCustos();
        using var a = fake.Client();
        using var encryptor = new CustosEncryptor([a], new CustosEncryptorOptions { DecryptionCache = new DataKeyCacheOptions() });
        var envelope = await encryptor.EncryptAsync([1], [new KeyTarget(a, "k-a"), new KeyTarget(a, "k-b"), new KeyTarget(a, "k-c")], Context, Ct);
        for (int i = 0; i < 3; i++) await encryptor.DecryptAsync(envelope, Context, Ct);
        Assert.Equal(new DataKeyCacheStatistics(0, 0, 2, 1), encryptor.CacheStatistics);
        Assert.Equal(1, fake.Calls["decrypt"]);
    }

    [Fact]
    public async Task Retries_cover_generate_data_key_and_decrypt_but_never_encrypt()
    {
        var flaky = new FlakyHandler(new FakeCustos(), failures: 2);
        using var client = new CustosClient(new CustosClientOptions { Address = new Uri("https://x.test/"), MaxRetries = 3, RetryDelay = TimeSpan.FromMilliseconds(1) }, flaky);
        using var encryptor = new CustosEncryptor(client);
        var envelope = await encryptor.EncryptAsync([7], "k", Context, Ct);     // two 503s, then success
        flaky.Failures = 2;
        Assert.Equal([7], await encryptor.DecryptAsync(envelope, Context, Ct));
        flaky.Failures = 1;
        using var dataKey = SecretBytes.Random(32);
        var refused = await Assert.ThrowsAsync<CustosException>(() => client.EncryptDataKeyAsync("k", dataKey, Context, Ct));
        Assert.Equal(503, refused.Status);
        Assert.Equal(7, flaky.Calls); // 3 + 3 + 1
    }

    /// <summary>Answers 503 to the next <see cref="Failures"/> calls, then forwards.</summary>
    private sealed class FlakyHandler(HttpMessageHandler inner, int failures) : DelegatingHandler(inner)
    {
        public int Failures { get; set; } = failures;
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            if (Failures-- > 0) return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
