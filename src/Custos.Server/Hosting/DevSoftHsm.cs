using System.Diagnostics;
using System.Security.Cryptography;

namespace Custos.Server.Hosting;

/// <summary>
/// <c>custos dev --hsm</c>: a SoftHSM2 token of its own inside the dev folder (token store, config and
/// PINs in <c>softhsm/</c>, readable only by the user), made on first use. INSECURE like the rest of dev
/// mode: the PIN is stored next to the token.
/// </summary>
public static class DevSoftHsm
{
    /// <summary>Label of the dev token.</summary>
    public const string TokenLabel = "custos-dev";

    /// <summary>Where Debian and Ubuntu install the SoftHSM2 module.</summary>
    public static readonly string[] ModulePaths =
        ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so", "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so", "/usr/local/lib/softhsm/libsofthsm2.so"];

    /// <summary>Makes the token if needed and returns the <c>hsm</c> section that uses it.</summary>
    public static HsmOptions Ensure(string devDir)
    {
        var module = ModulePaths.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("--hsm needs SoftHSM2, which is not installed: apt-get install softhsm2 (or run without --hsm)");
        var dir = Path.Combine(devDir, "softhsm");
        var tokens = Path.Combine(dir, "tokens");
        var conf = Path.Combine(dir, "softhsm2.conf");
        var pinFile = Path.Combine(dir, "user-pin");
        Directory.CreateDirectory(tokens);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(tokens, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        if (!File.Exists(conf))
            DevPki.WriteSecret(conf, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        if (!File.Exists(pinFile))
        {
            var pin = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var soPin = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            Run(conf, "--init-token", "--free", "--label", TokenLabel, "--so-pin", soPin, "--pin", pin);
            DevPki.WriteSecret(Path.Combine(dir, "so-pin"), soPin + "\n");
            DevPki.WriteSecret(pinFile, pin);
        }
        return new HsmOptions
        {
            Module = module,
            TokenLabel = TokenLabel,
            PinFile = pinFile,
            ModuleEnvironment = new Dictionary<string, string> { ["SOFTHSM2_CONF"] = conf },
        };
    }

    private static void Run(string conf, params string[] args)
    {
        var start = new ProcessStartInfo("softhsm2-util") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["SOFTHSM2_CONF"] = conf;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("softhsm2-util did not start");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("--hsm needs softhsm2-util, which is not on the PATH: apt-get install softhsm2");
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"softhsm2-util could not make the dev token: {stderr.Result.Trim()}");
        }
    }
}
