using System.Diagnostics;

namespace Custos.Cli.Tests.Infrastructure;

/// <summary>
/// A fresh SoftHSM2 token in a temp folder (its own <c>SOFTHSM2_CONF</c>), for servers started as
/// processes. Fails loudly when SoftHSM2 is not installed: <c>./test.sh</c> installs it.
/// </summary>
public sealed class SoftHsmToken : IDisposable
{
    /// <summary>The SoftHSM2 module on Debian.</summary>
    public const string Module = "/usr/lib/softhsm/libsofthsm2.so";

    private readonly TempDir _dir = new();

    /// <summary>Makes the token.</summary>
    public SoftHsmToken(string label = "custos-e2e")
    {
        Assert.True(File.Exists(Module), $"SoftHSM2 is not installed ({Module} is missing): apt-get install softhsm2 opensc");
        Label = label;
        Directory.CreateDirectory(_dir.File("tokens"));
        File.WriteAllText(Config, $"directories.tokendir = {_dir.File("tokens")}\nobjectstore.backend = file\nlog.level = ERROR\n");
        Pin = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        File.WriteAllText(PinFile, Pin);
        var r = Run("softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", "so-" + Pin, "--pin", Pin);
        Assert.True(r.ExitCode == 0, r.Output);
    }

    /// <summary>The token label.</summary>
    public string Label { get; }
    /// <summary>The user PIN.</summary>
    public string Pin { get; }
    /// <summary>A file holding the PIN.</summary>
    public string PinFile => _dir.File("pin");
    /// <summary>The SoftHSM2 configuration file.</summary>
    public string Config => _dir.File("softhsm2.conf");

    /// <summary>The <c>hsm</c> configuration section for this token (JSON member), with extra members.</summary>
    public string ConfigSection(string extra = "", string? pinFile = null, string? label = null, string module = Module) => $$"""
          "defaultCustody": "hsm",
          "hsm": {
            "module": "{{module}}",
            "tokenLabel": "{{label ?? Label}}",
            "pinFile": "{{pinFile ?? PinFile}}",
            "moduleEnvironment": { "SOFTHSM2_CONF": "{{Config}}" }{{extra}}
          }
        """;

    /// <summary>The labels of the token's objects, as <c>pkcs11-tool --list-objects</c> shows them.</summary>
    public IReadOnlyList<string> ObjectLabels()
    {
        var r = Run("pkcs11-tool", "--module", Module, "--token-label", Label, "--login", "--pin", Pin, "--list-objects");
        Assert.True(r.ExitCode == 0, r.Output);
        return [.. r.Output.Split('\n').Where(l => l.TrimStart().StartsWith("label:", StringComparison.Ordinal)).Select(l => l.Split(':', 2)[1].Trim())];
    }

    private (int ExitCode, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["SOFTHSM2_CONF"] = Config;
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }

    /// <inheritdoc />
    public void Dispose() => _dir.Dispose();
}
