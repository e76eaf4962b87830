using System.Diagnostics;
using Custos.Keystores.Pkcs11;

namespace Custos.Bench.Hsm;

/// <summary>
/// A throw-away SoftHSM2 token store: a temp folder with its own <c>softhsm2.conf</c>, set as <c>SOFTHSM2_CONF</c>
/// in the native environment (SoftHSM reads it with getenv, which does not see Environment.SetEnvironmentVariable),
/// and one token initialised with softhsm2-util. Deleted on dispose.
/// </summary>
internal sealed class SoftHsmStore : IDisposable
{
    public const string ModulePath = "/usr/lib/softhsm/libsofthsm2.so";

    private SoftHsmStore(string directory, string label, string pin)
    {
        Directory = directory;
        Label = label;
        Pin = pin;
    }

    public string Directory { get; }
    public string Label { get; }
    public string Pin { get; }

    public static SoftHsmStore Create(string label)
    {
        if (!File.Exists(ModulePath)) throw new InvalidOperationException($"SoftHSM2 is not installed ({ModulePath}): apt-get install -y softhsm2");
        var dir = System.IO.Directory.CreateTempSubdirectory("custos-bench-hsm-").FullName;
        var tokens = System.IO.Directory.CreateDirectory(Path.Combine(dir, "tokens")).FullName;
        var config = Path.Combine(dir, "softhsm2.conf");
        File.WriteAllText(config, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n");
        Pkcs11Environment.Set("SOFTHSM2_CONF", config);
        var pin = "bench-" + Guid.NewGuid().ToString("N")[..8];
        var start = new ProcessStartInfo("softhsm2-util") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--init-token", "--free", "--label", label, "--so-pin", "so-" + pin, "--pin", pin }) start.ArgumentList.Add(a);
        start.Environment["SOFTHSM2_CONF"] = config;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("softhsm2-util did not start");
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException("softhsm2-util --init-token failed: " + output);
        return new SoftHsmStore(dir, label, pin);
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
