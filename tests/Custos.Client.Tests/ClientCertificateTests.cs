using Custos.Client.Tests.Support;
using Custos.Crypto;
using Custos.Server.Hosting;
using Custos.Server.Tests.Support;

namespace Custos.Client.Tests;

/// <summary>The SDK authenticates with a client certificate (mutual TLS) instead of a token.</summary>
public sealed class ClientCertificateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_key_user_certificate_encrypts_and_decrypts_through_the_sdk()
    {
        await using var server = await TestServer.StartAsync(auditLog: false, tlsDir => new ClientCertificateOptions
        {
            CaFiles = [Path.Combine(tlsDir, "ca.pem")],
            Principals = [new() { Name = "billing", Subject = "CN=billing", Roles = ["key-user"] }],
        }, Ct);
        await Servers.CreateKeyAsync(server, "billing");
        using var certificate = TestCertificates.Issue(server.TlsDir, "billing");
        using var client = new CustosClient(new CustosClientOptions
        {
            Address = server.BaseAddress,
            CaCertificateFile = Path.Combine(server.TlsDir, "ca.pem"),
            ClientCertificate = certificate,
        });
        using var encryptor = new CustosEncryptor(client);
        var context = EncryptionContext.From(new Dictionary<string, string> { ["invoice"] = "7" });
        var envelope = await encryptor.EncryptAsync([1, 2, 3], "alias/billing", context, Ct);
        Assert.Equal([1, 2, 3], await encryptor.DecryptAsync(envelope, context, Ct));
    }
}
