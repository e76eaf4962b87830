using System.Security.Cryptography.X509Certificates;
using Custos.Client.Tests.Support;
using Custos.Crypto;
using Custos.Server.Tests.Support;

namespace Custos.Client.Tests;

/// <summary>The client against a real server: TLS trust by CA file or custom validation, refusals with their codes, env files.</summary>
public sealed class CustosClientTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private TestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_server_outside_the_trusted_CAs_is_unavailable_and_the_message_holds_no_secret()
    {
        await Servers.CreateKeyAsync(_server, "k");
        using var client = new CustosClient(new CustosClientOptions
        {
            Address = _server.BaseAddress,
            Token = _server.Secrets.RootToken,
            ServerCertificateValidation = (_, _, _) => false,
            MaxRetries = 0,
        });
        var e = await Assert.ThrowsAsync<CustosException>(() => client.GenerateDataKeyAsync("alias/k", null, Ct));
        Assert.True(e.IsUnavailable);
        Assert.DoesNotContain(_server.Secrets.RootToken, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Custom_validation_pinning_the_dev_CA_works_and_refusals_keep_their_code()
    {
        await Servers.CreateKeyAsync(_server, "k");
        var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_server.TlsDir, "ca.pem"));
        bool Pinned(X509Certificate2 certificate, X509Chain? _, System.Net.Security.SslPolicyErrors __)
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(certificate);
        }
        using var client = new CustosClient(new CustosClientOptions { Address = _server.BaseAddress, Token = _server.Secrets.RootToken, ServerCertificateValidation = Pinned });
        using var key = await client.GenerateDataKeyAsync("alias/k", EncryptionContext.Empty, Ct);
        Assert.Equal(32, key.Plaintext.Length);
        Assert.True(key.Lease.Allowed);

        var missing = await Assert.ThrowsAsync<CustosException>(() => client.GenerateDataKeyAsync("alias/nope", null, Ct));
        Assert.Equal(404, missing.Status);
        using var anonymous = new CustosClient(new CustosClientOptions { Address = _server.BaseAddress, ServerCertificateValidation = Pinned });
        var denied = await Assert.ThrowsAsync<CustosException>(() => anonymous.GenerateDataKeyAsync("alias/k", null, Ct));
        Assert.Equal(401, denied.Status);
    }

    [Fact]
    public async Task Options_come_from_the_env_file_custos_dev_writes()
    {
        var env = Path.Combine(_server.Options.DataDir, "env");
        Assert.True(File.Exists(env));
        var options = CustosClientOptions.FromEnvironment(env);
        Assert.Equal(_server.BaseAddress.Port, options.Address.Port);
        Assert.Equal(_server.Secrets.RootToken, options.Token);
        await Servers.CreateKeyAsync(_server, "k");
        using var client = new CustosClient(options);
        using var encryptor = new CustosEncryptor(client);
        var envelope = await encryptor.EncryptAsync([1, 2, 3], "alias/k", null, Ct);
        Assert.Equal([1, 2, 3], await encryptor.DecryptAsync(envelope, null, Ct));
    }
}
