using System.CommandLine;
using Custos.Custodian;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Cli.Commands;

/// <summary>
/// <c>custos custodian init --dir D [--hsm]</c> (the node's root key file, unless its root key is to be in an HSM, and its
/// DKG key) and <c>custos custodian serve --config FILE</c> (a custodian node for threshold custody: its own process,
/// database, audit log and mutual-TLS identity).
/// </summary>
public static class CustodianCommands
{
    /// <summary>Builds the command group.</summary>
    public static Command Create()
    {
        var group = new Command("custodian", "A custodian node holding shares of threshold keys (see docs/threshold.md)");
        group.Subcommands.Add(Init());
        group.Subcommands.Add(Serve());
        group.Subcommands.Add(Reseal());
        return group;
    }

    private static Command Reseal()
    {
        var config = new Option<FileInfo>("--config") { Description = "The custodian's configuration, naming the new root key (its 'hsm' section, or another sealKeyFile)", Required = true };
        var from = new Option<FileInfo>("--from-seal-key-file") { Description = "The root key file the shares are sealed under now", Required = true };
        var cmd = new Command("reseal", "Seal a stopped custodian's shares and audit signing key again under the root key its configuration names (for example, move from a key file to an HSM)") { config, from };
        cmd.OnRun(async (p, ct) =>
        {
            CustodianOptions options;
            CustodianSeal old, target;
            try
            {
                options = CustodianOptions.Load(p.GetValue(config)!.FullName);
                var oldFile = p.GetValue(from)!.FullName;
                old = CustodianSeal.FromKey(SealKeyFile.Load(oldFile), oldFile);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
            {
                throw new CliException(e.Message, 2);
            }
            using (old)
            {
                try
                {
                    using (target = CustodianSeal.Open(options))
                    {
                        var outcome = await CustodianReseal.RunAsync(options, old, target, ct);
                        Console.WriteLine(outcome.AlreadyDone
                            ? $"Custodian '{options.Name}' is already sealed under {target.Description}: nothing to do."
                            : $"Sealed {outcome.Shares} share(s) and the audit signing key of custodian '{options.Name}' again under {target.Description} "
                                + $"(audit event {CustodianReseal.Operation}). Start it with this configuration; then destroy the old key file and its backups.");
                    }
                }
                catch (InvalidOperationException e)
                {
                    throw new CliException(e.Message);
                }
            }
            return 0;
        });
        return cmd;
    }

    private static Command Init()
    {
        var dir = new Option<DirectoryInfo>("--dir") { Description = "Folder for seal.key and dkg.key (created, mode 0700)", Required = true };
        var hsm = new Option<bool>("--hsm")
        {
            Description = "The root key will be in an HSM (the configuration's 'hsm' section; generated in the token on first start): write no seal.key",
        };
        var cmd = new Command("init", "Make a custodian's root key file (seal.key) and its DKG encryption key (dkg.key), both mode 0600") { dir, hsm };
        cmd.OnRun((p, _) =>
        {
            var folder = p.GetValue(dir)!.FullName;
            var inHsm = p.GetValue(hsm);
            Directory.CreateDirectory(folder);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var seal = Path.Combine(folder, "seal.key");
            var dkg = Path.Combine(folder, "dkg.key");
            try
            {
                if (!inHsm) SealKeyFile.Create(seal);
                DkgKey.Create(dkg);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException)
            {
                throw new CliException(e.Message);
            }
            using var key = DkgKey.Load(dkg);
            if (!inHsm) Console.WriteLine($"Wrote {seal} (root key: seals every share; keep it and back it up as you would the shares themselves)");
            Console.WriteLine($"Wrote {dkg} (DKG key, fingerprint {key.PublicKey.Fingerprint})");
            Console.WriteLine(inHsm
                ? $"Name it in the configuration ('dkgKeyFile') with an 'hsm' section, and run 'custos custodian serve --config FILE': the root key '{CustodianSeal.HsmKeyLabel}' is generated in the token on first start."
                : "Name both in the configuration ('sealKeyFile', 'dkgKeyFile') and run 'custos custodian serve --config FILE'.");
            return Task.FromResult(0);
        });
        return cmd;
    }

    private static Command Serve()
    {
        var config = new Option<FileInfo>("--config") { Description = "JSON configuration file", Required = true };
        var cmd = new Command("serve", "Run a custodian node from a configuration file") { config };
        cmd.OnRun(async (p, ct) =>
        {
            CustodianOptions options;
            WebApplication app;
            try
            {
                options = CustodianOptions.Load(p.GetValue(config)!.FullName);
                app = CustodianHost.Build(options);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException
                or System.Security.Cryptography.CryptographicException or Custos.Core.Errors.CustosUnavailableException)
            {
                throw new CliException(e.Message, 2);
            }
            await using (app)
            {
                try
                {
                    await app.StartAsync(ct);
                }
                catch (IOException e)
                {
                    throw new CliException($"cannot listen on {options.Listen}: {e.Message}");
                }
                catch (InvalidOperationException e)
                {
                    throw new CliException(e.Message, 2); // the seal does not open what this custodian sealed
                }
                var seal = app.Services.GetRequiredService<CustodianIdentity>().Seal;
                if (seal.InHardware) Console.WriteLine($"Root key: {seal.Description}.");
                else Console.WriteLine("WARNING: this custodian's root key is a file on this machine (sealKeyFile): the weakest protection Custos offers. " +
                    "Anyone who can read it and the database holds this custodian's shares. An HSM ('hsm' instead of 'sealKeyFile') keeps it out of reach.");
                // Last: scripts and tests wait for this line.
                Console.WriteLine($"Custos custodian '{options.Name}' listening on https://{options.Listen} (data in {options.DataDir}); location: {options.Location.Describe()}");
                await app.WaitForShutdownAsync(ct);
            }
            return 0;
        });
        return cmd;
    }
}
