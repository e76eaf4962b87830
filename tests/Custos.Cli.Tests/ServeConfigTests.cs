using Custos.Cli.Commands;
using Custos.Cli.Tests.Infrastructure;
using Custos.Server.Hosting;

namespace Custos.Cli.Tests;

/// <summary>Loading `custos serve --config`: what a file leaves out takes the documented default.</summary>
public sealed class ServeConfigTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private ServerOptions Load(string json)
    {
        Directory.CreateDirectory(_dir.File("tls"));
        File.WriteAllText(_dir.File("tls/server.pem"), "");
        File.WriteAllText(_dir.File("tls/server.key"), "");
        File.WriteAllText(_dir.File("custos.json"), json);
        return ServeCommand.Load(new FileInfo(_dir.File("custos.json")));
    }

    [Fact]
    public void Members_missing_from_the_file_keep_their_defaults()
    {
        var o = Load("""
            { "dataDir": "data", "tls": { "certFile": "tls/server.pem", "keyFile": "tls/server.key" },
              "hsm": { "module": "/usr/lib/softhsm/libsofthsm2.so", "tokenLabel": "t", "pinEnv": "PIN" } }
            """);
        var defaults = new ServerOptions();
        Assert.True(o.AuditLog); // the audit log is on unless a file says "auditLog": false
        Assert.Equal(defaults.Listen, o.Listen);
        Assert.Equal(Environment.MachineName, o.NodeName);
        Assert.Equal(5, o.KeyCacheSeconds);
        Assert.Equal(60, o.MaintenanceIntervalSeconds);
        Assert.Equal("software", o.DefaultCustody);
        Assert.True(o.Hsm!.AuditSigningKey);
        Assert.Equal(1000, o.Hsm.QueueTimeoutMilliseconds);
        Assert.Equal(_dir.File("data"), o.DataDir);
    }

    [Fact]
    public void An_HSM_section_with_the_PIN_in_it_or_two_tokens_is_refused()
    {
        var twoPins = Assert.Throws<CliException>(() => Load("""
            { "dataDir": "d", "tls": { "certFile": "tls/server.pem", "keyFile": "tls/server.key" },
              "hsm": { "module": "/m.so", "tokenLabel": "t", "pinEnv": "PIN", "pinFile": "/p" } }
            """));
        Assert.Contains("exactly one of pinEnv and pinFile", twoPins.Message, StringComparison.Ordinal);
        var pinInline = Assert.Throws<CliException>(() => Load("""
            { "dataDir": "d", "tls": { "certFile": "tls/server.pem", "keyFile": "tls/server.key" },
              "hsm": { "module": "/m.so", "tokenLabel": "t", "pin": "1234" } }
            """));
        Assert.DoesNotContain("1234", pinInline.Message, StringComparison.Ordinal);
        var custody = Assert.Throws<CliException>(() => Load("""
            { "dataDir": "d", "tls": { "certFile": "tls/server.pem", "keyFile": "tls/server.key" }, "defaultCustody": "hsm" }
            """));
        Assert.Contains("no 'hsm' section", custody.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configuration_without_TLS_is_refused()
    {
        var noTls = Assert.Throws<CliException>(() => Load("""{ "dataDir": "d" }"""));

        Assert.Equal(2, noTls.ExitCode);
        Assert.Equal("configuration: tls.certFile and tls.keyFile are required: Custos serves HTTPS only", noTls.Message);
    }

    [Fact]
    public void Client_certificate_CA_files_are_relative_to_the_configuration_and_a_bad_entry_is_named()
    {
        DevPki.Ensure(_dir.File("tls"), TimeProvider.System);
        const string Tls = "\"tls\": { \"certFile\": \"tls/server.pem\", \"keyFile\": \"tls/server.key\" }";

        var o = Load($$"""
            { "dataDir": "d", {{Tls}},
              "clientCertificates": { "caFiles": ["tls/ca.pem"], "principals": [ { "name": "billing", "san": "uri:spiffe://example.eu/billing", "roles": ["key-user"] } ] } }
            """);
        var bad = Assert.Throws<CliException>(() => Load($$"""
            { "dataDir": "d", {{Tls}},
              "clientCertificates": { "caFiles": ["tls/ca.pem"], "principals": [ { "name": "alice", "subject": "CN=alice", "roles": ["approver"], "allowedNetworks": ["10.0.0.0/33"] } ] } }
            """));
        var missingCa = Assert.Throws<CliException>(() => Load($$"""
            { "dataDir": "d", {{Tls}}, "clientCertificates": { "caFiles": ["client-ca.pem"], "principals": [] } }
            """));

        Assert.Equal(_dir.File("tls/ca.pem"), Assert.Single(o.ClientCertificates!.CaFiles));
        Assert.Equal("uri:spiffe://example.eu/billing", o.ClientCertificates.Principals[0].San);
        Assert.StartsWith("configuration: clientCertificates.principals[0] ('alice'): allowed network '10.0.0.0/33'", bad.Message, StringComparison.Ordinal);
        Assert.Equal($"configuration: clientCertificates.caFiles[0] '{_dir.File("client-ca.pem")}' does not exist", missingCa.Message);
    }

    [Fact]
    public void Rate_limits_are_read_and_unusable_ones_refused_naming_the_setting()
    {
        var o = Load("""
            { "dataDir": "d", "tls": { "certFile": "tls/server.pem", "keyFile": "tls/server.key" },
              "rateLimits": { "perPrincipal": { "requestsPerSecond": 200, "burst": 400 }, "perKey": { "requestsPerSecond": 1000 } } }
            """);
        Assert.Equal((200, 400), (o.RateLimits!.PerPrincipal!.ToRateLimit().RequestsPerSecond, o.RateLimits.PerPrincipal.ToRateLimit().Burst));
        Assert.Equal((1000, 1000), (o.RateLimits.PerKey!.ToRateLimit().RequestsPerSecond, o.RateLimits.PerKey.ToRateLimit().Burst));
        Assert.Null(Load("""{ "dataDir": "d", "tls": { "certFile": "tls/server.pem", "keyFile": "tls/server.key" } }""").RateLimits);

        var burst = Assert.Throws<CliException>(() => Load("""
            { "dataDir": "d", "tls": { "certFile": "tls/server.pem", "keyFile": "tls/server.key" },
              "rateLimits": { "perKey": { "requestsPerSecond": 100, "burst": 10 } } }
            """));
        Assert.Equal(2, burst.ExitCode);
        Assert.Contains("rateLimits.perKey.burst (10) must be at least requestsPerSecond (100)", burst.Message, StringComparison.Ordinal);
        var typo = Assert.Throws<CliException>(() => Load("""
            { "dataDir": "d", "tls": { "certFile": "tls/server.pem", "keyFile": "tls/server.key" },
              "rateLimits": { "perKey": { "rps": 100 } } }
            """));
        Assert.Contains("rps", typo.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Locations_are_read_for_the_node_and_the_HSM_and_a_bad_one_is_refused_naming_the_setting()
    {
        const string Tls = "\"tls\": { \"certFile\": \"tls/server.pem\", \"keyFile\": \"tls/server.key\" }";
        var o = Load($$"""
            { "dataDir": "d", {{Tls}},
              "location": { "country": "DE", "region": "Frankfurt DC2", "operator": "example-org", "compellableBy": ["EU"] },
              "hsm": { "module": "/m.so", "tokenLabel": "t", "pinEnv": "PIN", "location": { "country": "FR", "operator": "acme-hsm" } } }
            """);
        var blocAsCountry = Assert.Throws<CliException>(() => Load($$"""{ "dataDir": "d", {{Tls}}, "location": { "country": "EU", "operator": "example-org" } }"""));
        var hsmOperator = Assert.Throws<CliException>(() => Load($$"""
            { "dataDir": "d", {{Tls}}, "hsm": { "module": "/m.so", "tokenLabel": "t", "pinEnv": "PIN", "location": { "country": "FR", "operator": "Acme SAS" } } }
            """));
        var stranded = Assert.Throws<CliException>(() => Load($$"""{ "dataDir": "d", {{Tls}}, "allowStrandedKeys": true }"""));

        Assert.Equal(("DE", "Frankfurt DC2", "example-org", "EU"), (o.Location!.Country, o.Location.Region, o.Location.Operator, Assert.Single(o.Location.CompellableBy!)));
        Assert.Equal(("FR", "acme-hsm"), (o.Hsm!.Location!.Country, o.Hsm.Location.Operator));
        Assert.Null(Load($$"""{ "dataDir": "d", {{Tls}} }""").Location);
        Assert.Equal("configuration: location.country 'EU' is not an ISO 3166-1 alpha-2 country code such as DE (a bloc such as EU is not a place)", blocAsCountry.Message);
        Assert.StartsWith("configuration: hsm.location.operator 'Acme SAS' is not the id of a provider", hsmOperator.Message, StringComparison.Ordinal);
        Assert.Contains("allowStrandedKeys", stranded.Message, StringComparison.Ordinal); // a command-line decision, never a setting
    }
}
