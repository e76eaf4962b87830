using System.CommandLine;
using Custos.Server.Hosting;

namespace Custos.Cli.Commands;

/// <summary><c>custos tls dev-pki --out DIR</c>: a throwaway CA and server certificate for tests and trials.</summary>
public static class TlsCommands
{
    /// <summary>Builds the command group.</summary>
    public static Command Create()
    {
        var tls = new Command("tls", "TLS helpers");
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder for ca.pem, server.pem, server.key", Required = true };
        var devPki = new Command("dev-pki", "Create a test CA and a server certificate for 127.0.0.1/localhost (not for production)") { outDir };
        devPki.OnRun((p, ct) =>
        {
            var files = DevPki.Ensure(p.GetValue(outDir)!.FullName, TimeProvider.System);
            Console.WriteLine($"CA:          {files.CaCert}\nCertificate: {files.ServerCert}\nKey:         {files.ServerKey}");
            return Task.FromResult(0);
        });
        tls.Subcommands.Add(devPki);
        return tls;
    }
}
