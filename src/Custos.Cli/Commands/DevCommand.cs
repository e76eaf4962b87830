using System.CommandLine;
using Custos.Server.Hosting;

namespace Custos.Cli.Commands;

/// <summary><c>custos dev</c>: a local, auto-unsealed, INSECURE single-node server.</summary>
public static class DevCommand
{
    /// <summary>Whether dev mode records the audit log unless told otherwise.</summary>
    public const bool AuditDefault = true;

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var dir = new Option<string>("--dir") { Description = "Dev folder", DefaultValueFactory = _ => ".custos-dev" };
        var listen = new Option<string>("--listen") { Description = "Address:port to listen on", DefaultValueFactory = _ => "127.0.0.1:8200" };
        var audit = new Option<bool>("--audit-log") { Description = "Record every request in the tamper-evident audit log (default on; --audit-log=false turns it off)", DefaultValueFactory = _ => AuditDefault };
        var hsm = new Option<bool>("--hsm") { Description = "Make a SoftHSM2 token in the dev folder (needs softhsm2) and use it for new keys" };
        var country = new Option<string>("--country")
        {
            Description = "ISO 3166-1 country the dev node (and its keystores) says it is in, for trying residency rules",
            DefaultValueFactory = _ => DevMode.DefaultCountry,
        };
        var cmd = new Command("dev", "Run a dev server (SQLite, software keystore, dev PKI, auto-unsealed). NOT FOR PRODUCTION.") { dir, listen, audit, hsm, country };
        cmd.OnRun(async (p, ct) =>
        {
            var where = p.GetValue(country)!;
            if (DevMode.DevLocation(where).Validate("--country") is not null)
                throw new CliException($"--country '{where}' is not an ISO 3166-1 alpha-2 country code such as DE or FR", 2);
            var options = DevMode.Options(p.GetValue(dir)!, p.GetValue(listen)!, where) with { AuditLog = p.GetValue(audit) };
            if (p.GetValue(hsm)) options = options with { Hsm = DevSoftHsm.Ensure(options.DataDir) with { Location = DevMode.DevLocation(where) }, DefaultCustody = "hsm" };
            await using var app = CustosHost.Build(options);
            try
            {
                await app.StartAsync(ct);
            }
            catch (IOException e)
            {
                throw new CliException($"cannot listen on {options.Listen}: {e.Message} (is another server running? use --listen)");
            }
            var secrets = await DevMode.InitializeOrUnsealAsync(app, options, ct);
            Console.WriteLine(DevMode.Banner(options, secrets));
            await app.WaitForShutdownAsync(ct);
            return 0;
        });
        return cmd;
    }
}
