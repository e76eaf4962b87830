using System.CommandLine;
using Custos.Server.Hosting;

namespace Custos.Cli.Commands;

/// <summary>
/// <c>custos tls dev-pki --out DIR</c>: a throwaway CA and server certificate for tests and trials;
/// <c>custos tls client-cert --ca-dir DIR --name NAME --out DIR</c>: a client certificate from that CA for mutual TLS.
/// </summary>
public static class TlsCommands
{
    /// <summary>Builds the command group.</summary>
    public static Command Create()
    {
        var tls = new Command("tls", "TLS helpers");
        tls.Subcommands.Add(DevPkiCommand());
        tls.Subcommands.Add(ClientCertCommand());
        return tls;
    }

    private static Command DevPkiCommand()
    {
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder for ca.pem, ca.key, server.pem, server.key", Required = true };
        var devPki = new Command("dev-pki", "Create a test CA and a server certificate for 127.0.0.1/localhost (not for production)") { outDir };
        devPki.OnRun((p, ct) =>
        {
            var files = DevPki.Ensure(p.GetValue(outDir)!.FullName, TimeProvider.System);
            Console.WriteLine($"CA:          {files.CaCert}\nCA key:      {files.CaKey}\nCertificate: {files.ServerCert}\nKey:         {files.ServerKey}");
            return Task.FromResult(0);
        });
        return devPki;
    }

    private static Command ClientCertCommand()
    {
        var caDir = new Option<DirectoryInfo>("--ca-dir") { Description = "Folder holding the CA (ca.pem and ca.key, as made by 'custos tls dev-pki')", Required = true };
        var name = new Option<string>("--name") { Description = "The client's name: the certificate's CN and the file names", Required = true };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder for NAME.pem and NAME.key", Required = true };
        var days = new Option<int>("--days") { Description = "Days the certificate is valid (1-3650; at most until the CA expires)", DefaultValueFactory = _ => 365 };
        var cmd = new Command("client-cert", "Issue a client certificate (ECDSA P-256, clientAuth) from the Custos CA, for mutual TLS with --cert/--key")
        {
            caDir, name, outDir, days,
        };
        cmd.OnRun((p, ct) =>
        {
            var ca = p.GetValue(caDir)!;
            if (!ca.Exists) throw new CliException($"CA folder '{ca.FullName}' does not exist", 2);
            var files = DevPki.IssueClientCertificate(ca.FullName, p.GetValue(name)!, p.GetValue(outDir)!.FullName, p.GetValue(days), TimeProvider.System);
            Console.WriteLine($"Certificate: {files.Certificate}\nKey:         {files.Key}\nSubject:     CN={p.GetValue(name)}\nValid until: {files.NotAfter:yyyy-MM-dd HH:mm}Z");
            Console.WriteLine($"Map it to a principal in the server's clientCertificates section, e.g. {{ \"name\": \"{p.GetValue(name)}\", \"subject\": \"CN={p.GetValue(name)}\", \"roles\": [\"key-user\"] }}");
            return Task.FromResult(0);
        });
        return cmd;
    }
}
