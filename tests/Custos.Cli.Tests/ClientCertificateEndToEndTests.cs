using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Custos.Cli.Tests.Infrastructure;

namespace Custos.Cli.Tests;

/// <summary>
/// Mutual TLS as an operator does it: `custos tls client-cert` issues a certificate from the Custos CA, the
/// server's configuration maps it to a principal, and the CLI authenticates with --cert/--cert-key and no token.
/// </summary>
public sealed class ClientCertificateEndToEndTests : IDisposable
{
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    private readonly ServeNode _node = new("""
          "clientCertificates": {
            "caFiles": ["tls/ca.pem"],
            "principals": [ { "name": "ops", "subject": "CN=ops", "roles": ["reader"] } ]
          }
        """);

    public void Dispose() => _node.Dispose();

    private CliRunner Cli(string token) => new(_node.Server?.Address ?? "https://127.0.0.1:1", _node.Dir.File("tls/ca.pem"), token, _node.Dir.Path);

    [Fact]
    public async Task Tls_client_cert_issues_a_clientAuth_certificate_from_the_CA_with_an_owner_only_key()
    {
        var cli = Cli("");

        var issued = (await cli.RunAsync("tls", "client-cert", "--ca-dir", _node.Dir.File("tls"), "--name", "ops", "--out", _node.Dir.File("clients"), "--days", "30")).Ok();
        var again = await cli.RunAsync("tls", "client-cert", "--ca-dir", _node.Dir.File("tls"), "--name", "ops", "--out", _node.Dir.File("clients"));

        Assert.Contains(_node.Dir.File("clients/ops.pem"), issued, StringComparison.Ordinal);
        using var certificate = X509Certificate2.CreateFromPemFile(_node.Dir.File("clients/ops.pem"), _node.Dir.File("clients/ops.key")); // the key matches
        using var ca = X509CertificateLoader.LoadCertificateFromFile(_node.Dir.File("tls/ca.pem"));
        Assert.Equal("CN=ops", certificate.Subject);
        Assert.Equal(ca.Subject, certificate.Issuer);
        Assert.InRange(certificate.NotAfter.ToUniversalTime(), DateTime.UtcNow.AddDays(29), DateTime.UtcNow.AddDays(30).AddMinutes(1));
        Assert.Contains(certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>(), o => o.Value == ClientAuth);
        Assert.False(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        using (var key = certificate.GetECDsaPrivateKey()!) Assert.Equal(256, key.KeySize);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClientAuth));
        Assert.True(chain.Build(certificate), string.Join(", ", chain.ChainStatus.Select(s => s.Status)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_node.Dir.File("clients/ops.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_node.Dir.File("tls/ca.key")));
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("exists already", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_CA_without_its_key_cannot_issue()
    {
        Directory.CreateDirectory(_node.Dir.File("keyless"));
        File.Copy(_node.Dir.File("tls/ca.pem"), _node.Dir.File("keyless/ca.pem"));

        var r = await Cli("").RunAsync("tls", "client-cert", "--ca-dir", _node.Dir.File("keyless"), "--name", "ops", "--out", _node.Dir.File("clients"));

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("holds no ca.key", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_node.Dir.File("clients/ops.key")));
    }

    [Fact]
    public async Task Keys_list_works_with_a_client_certificate_and_no_token()
    {
        await _node.StartAsync();
        await _node.InitAsync(1, 1);
        await _node.UnsealAsync(1);
        (await _node.Cli.RunAsync("keys", "create", "--alias", "mtls-visible")).Ok();
        (await Cli("").RunAsync("tls", "client-cert", "--ca-dir", _node.Dir.File("tls"), "--name", "ops", "--out", _node.Dir.File("clients"))).Ok();
        (await Cli("").RunAsync("tls", "client-cert", "--ca-dir", _node.Dir.File("tls"), "--name", "stranger", "--out", _node.Dir.File("clients"))).Ok();
        var noToken = Cli("");

        var listed = await noToken.RunAsync("keys", "list", "--cert", _node.Dir.File("clients/ops.pem"), "--cert-key", _node.Dir.File("clients/ops.key"));
        var created = await noToken.RunAsync("keys", "create", "--alias", "not-allowed", "--cert", _node.Dir.File("clients/ops.pem"), "--cert-key", _node.Dir.File("clients/ops.key"));
        var unmapped = await noToken.RunAsync("keys", "list", "--cert", _node.Dir.File("clients/stranger.pem"), "--cert-key", _node.Dir.File("clients/stranger.key"));
        var without = await noToken.RunAsync("keys", "list");
        var fromEnvironment = Cli("");
        fromEnvironment.Environment["CUSTOS_CLIENT_CERT"] = _node.Dir.File("clients/ops.pem");
        fromEnvironment.Environment["CUSTOS_CLIENT_KEY"] = _node.Dir.File("clients/ops.key");
        var listedFromEnvironment = await fromEnvironment.RunAsync("keys", "list");

        Assert.Contains("mtls-visible", listed.Ok(), StringComparison.Ordinal);
        Assert.Contains("mtls-visible", listedFromEnvironment.Ok(), StringComparison.Ordinal);
        Assert.Equal(1, created.ExitCode);
        Assert.Contains("[forbidden]", created.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, unmapped.ExitCode);
        Assert.Contains("'CN=stranger' is not mapped to a principal", unmapped.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, without.ExitCode);
        Assert.Contains("[unauthenticated]", without.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_or_half_given_client_certificate_is_a_clear_error()
    {
        var cli = Cli("");

        var missing = await cli.RunAsync("keys", "list", "--cert", _node.Dir.File("nope.pem"), "--cert-key", _node.Dir.File("nope.key"));
        var noKey = await cli.RunAsync("keys", "list", "--cert", _node.Dir.File("tls/ca.pem"));
        var wrongKey = await cli.RunAsync("keys", "list", "--cert", _node.Dir.File("tls/server.pem"), "--cert-key", _node.Dir.File("tls/ca.key"));

        Assert.Equal(2, missing.ExitCode);
        Assert.Equal($"custos: client certificate file '{_node.Dir.File("nope.pem")}' does not exist", missing.Stderr.Trim());
        Assert.Equal(2, noKey.ExitCode);
        Assert.Contains("--cert (CUSTOS_CLIENT_CERT) was given without --cert-key", noKey.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, wrongKey.ExitCode);
        Assert.Contains("cannot be used", wrongKey.Stderr, StringComparison.Ordinal);
    }
}
