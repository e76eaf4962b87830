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
}
