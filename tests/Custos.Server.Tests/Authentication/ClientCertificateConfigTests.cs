using System.Security.Cryptography.X509Certificates;
using Custos.Server.Hosting;
using Custos.Server.Tests.Support;

namespace Custos.Server.Tests.Authentication;

/// <summary>The clientCertificates section is checked whole before the server starts; each refusal names the entry and what is wrong.</summary>
public sealed class ClientCertificateConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "custos-certconfig-" + Guid.NewGuid().ToString("N"))).FullName;
    private readonly string _caFile;

    public ClientCertificateConfigTests()
    {
        using var ca = TestCertificates.NewCa("CN=Client CA");
        _caFile = TestCertificates.WritePem(Path.Combine(_dir, "ca.pem"), ca);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ClientCertificateOptions With(params CertificatePrincipalOptions[] principals) => new() { CaFiles = [_caFile], Principals = principals };

    private static CertificatePrincipalOptions Alice => new() { Name = "alice", Subject = "CN=alice", Roles = ["approver"] };

    public static TheoryData<CertificatePrincipalOptions, string> BadEntries => new()
    {
        { new() { Name = "bob", Subject = "CN=bob", Roles = ["superuser"] }, "principals[1] ('bob'): unknown role 'superuser'" },
        { new() { Name = "bob", Subject = "CN=bob", Roles = [] }, "principals[1] ('bob'): a credential needs at least one role" },
        { new() { Name = "bob", Subject = "CN=bob", Roles = ["reader"], Groups = ["no spaces please"] }, "principals[1] ('bob'): group 'no spaces please'" },
        { new() { Name = "bob", Subject = "CN=bob", Roles = ["reader"], AllowedNetworks = ["10.0.0.1/8"] }, "principals[1] ('bob'): allowed network '10.0.0.1/8' has host bits set" },
        { new() { Name = "bob", Subject = "CN=bob", Roles = ["reader"], AllowedNetworks = ["the office"] }, "principals[1] ('bob'): allowed network 'the office' is not" },
        { new() { Name = "bob", Subject = "CN=bob", San = "dns:bob.example.eu", Roles = ["reader"] }, "principals[1] ('bob'): set exactly one of subject and san, not both" },
        { new() { Name = "bob", Roles = ["reader"] }, "principals[1] ('bob'): set one of subject" },
        { new() { Name = "alice", Subject = "CN=alice2", Roles = ["reader"] }, "principals[1] ('alice'): the name 'alice' is also used by principals[0]" },
        { new() { Name = "bob", Subject = "not a DN", Roles = ["reader"] }, "principals[1] ('bob'): subject 'not a DN' is not a distinguished name" },
        { new() { Name = "bob", San = "ip:10.0.0.1", Roles = ["reader"] }, "principals[1] ('bob'): san 'ip:10.0.0.1' is not one of dns:NAME, email:ADDRESS, uri:ABSOLUTE-URI" },
        { new() { Name = "bob", San = "uri:not absolute", Roles = ["reader"] }, "principals[1] ('bob'): san 'uri:not absolute'" },
        { new() { Name = "bob", Subject = "cn=ALICE", Roles = ["reader"] }, "principals[1] ('bob'): matches the same certificates as principals[0] ('alice')" },
        { new() { Name = "", Subject = "CN=bob", Roles = ["reader"] }, "clientCertificates.principals[1]: name is 1-64 characters" },
    };

    [Theory]
    [MemberData(nameof(BadEntries))]
    public void A_bad_principal_entry_is_refused_naming_it(CertificatePrincipalOptions bad, string expected)
    {
        var message = With(Alice, bad).Validate();

        Assert.NotNull(message);
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.StartsWith("clientCertificates.principals[1]", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_good_section_is_accepted()
    {
        var message = With(Alice, new() { Name = "billing", San = "uri:spiffe://example.eu/billing", Roles = ["key-user"], Groups = ["payments"], AllowedNetworks = ["10.0.0.0/8"] }).Validate();

        Assert.Null(message);
    }

    [Fact]
    public void A_missing_unreadable_or_non_CA_file_is_refused_naming_it()
    {
        using var ca = TestCertificates.NewCa("CN=Client CA 2");
        using var leaf = TestCertificates.Make(ca, "CN=not-a-ca");
        var leafFile = TestCertificates.WritePem(Path.Combine(_dir, "leaf.pem"), leaf);
        var garbage = Path.Combine(_dir, "garbage.pem");
        File.WriteAllText(garbage, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        var empty = Path.Combine(_dir, "empty.pem");
        File.WriteAllText(empty, "just text\n");

        string? Check(params string[] files) => new ClientCertificateOptions { CaFiles = files, Principals = [Alice] }.Validate();

        Assert.Equal($"clientCertificates.caFiles[1] '{_dir}/nope.pem' does not exist", Check(_caFile, Path.Combine(_dir, "nope.pem")));
        Assert.StartsWith($"clientCertificates.caFiles[0] '{garbage}' cannot be read as PEM certificates", Check(garbage));
        Assert.Equal($"clientCertificates.caFiles[0] '{empty}' holds no PEM certificate", Check(empty));
        Assert.Equal($"clientCertificates.caFiles[0] '{leafFile}': 'CN=not-a-ca' is not a CA certificate (no basicConstraints with cA=TRUE)", Check(leafFile));
        Assert.StartsWith("clientCertificates.caFiles: name at least one", Check());
    }

    [Fact]
    public void The_server_refuses_to_start_with_a_bad_section()
    {
        var options = DevMode.Options(Path.Combine(_dir, "server"), "127.0.0.1:1") with
        {
            ClientCertificates = With(Alice, new() { Name = "billing", San = "uri:spiffe://example.eu/billing", Roles = ["key-usr"] }),
        };

        var e = Assert.Throws<ArgumentException>(() => CustosHost.Build(options));

        Assert.StartsWith("clientCertificates.principals[1] ('billing'): unknown role 'key-usr'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Outside_dev_mode_Custos_refuses_to_start_without_TLS()
    {
        var options = new ServerOptions { DataDir = Path.Combine(_dir, "data"), Tls = new TlsOptions() };

        var e = Assert.Throws<ArgumentException>(() => CustosHost.Build(options));

        Assert.Equal("tls.certFile and tls.keyFile are required: Custos serves HTTPS only", e.Message);
        Assert.Equal(e.Message, new ServerOptions { DataDir = "/d", Tls = new TlsOptions { CertFile = "server.pem" } }.Validate());
    }
}
