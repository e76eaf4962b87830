using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Custos.Crypto;
using Custos.Keystores.Pkcs11.Tests;

[assembly: AssemblyFixture(typeof(SoftHsm))]

namespace Custos.Keystores.Pkcs11.Tests;

/// <summary>
/// A private SoftHSM2 store for this test run: a temp folder, a <c>softhsm2.conf</c> pointing at it (set as
/// <c>SOFTHSM2_CONF</c> in the native environment before the module loads), and one fresh token per purpose,
/// all made up front because SoftHSM only sees the tokens present when it is initialised. Tests that change a
/// token's state (sessions, login, PIN failures) get a token of their own. Without SoftHSM2 every test fails
/// with the install command: these tests must run in CI, never skip.
/// </summary>
public sealed class SoftHsm : IDisposable
{
    /// <summary>Where Debian puts the module.</summary>
    public const string ModulePath = "/usr/lib/softhsm/libsofthsm2.so";

    /// <summary>The contract's token, shared by the tests that only create their own keys.</summary>
    public const string Shared = "custos-a";
    /// <summary>The contract's "other keystore" token.</summary>
    public const string Other = "custos-b";
    /// <summary>Recovery tests (sessions closed, logged out).</summary>
    public const string Recovery = "custos-recovery";
    /// <summary>The module finalised behind the token's back.</summary>
    public const string Finalize = "custos-finalize";
    /// <summary>Two token instances one after the other.</summary>
    public const string Restart = "custos-restart";
    /// <summary>Failed logins.</summary>
    public const string WrongPin = "custos-pin";
    /// <summary>The limiter's flood.</summary>
    public const string Limiter = "custos-limiter";
    /// <summary>The root key protector and the ECDSA signer.</summary>
    public const string RootOfTrust = "custos-root";
    /// <summary>Looked at by pkcs11-tool (those tests run alone: see <see cref="Pkcs11ToolTests"/>).</summary>
    public const string Tool = "custos-tool";

    private static readonly string[] Labels = [Shared, Other, Recovery, Finalize, Restart, WrongPin, Limiter, RootOfTrust, Tool];
    private readonly List<SecretBytes> _pins = [];
    private readonly Lazy<Pkcs11Token> _shared;
    private readonly Lazy<Pkcs11Token> _other;

    /// <summary>Makes the store and its tokens.</summary>
    public SoftHsm()
    {
        if (!File.Exists(ModulePath) || FindOnPath("softhsm2-util") is null || FindOnPath("pkcs11-tool") is null)
            throw new InvalidOperationException(
                $"SoftHSM2 is not installed ({ModulePath}, softhsm2-util or pkcs11-tool missing): run 'apt-get install -y softhsm2 opensc' (test.sh does this)");
        Directory = System.IO.Directory.CreateTempSubdirectory("custos-softhsm-").FullName;
        var tokens = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "tokens")).FullName;
        ConfigPath = Path.Combine(Directory, "softhsm2.conf");
        File.WriteAllText(ConfigPath, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n");
        // .NET keeps its own copy of the environment on Unix: Environment.SetEnvironmentVariable is not seen by
        // getenv() in native code, so SoftHSM would read the machine's config. Set it in libc too.
        Pkcs11Environment.Set("SOFTHSM2_CONF", ConfigPath);
        Pin = "pin-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        SoPin = "so-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        foreach (var label in Labels)
        {
            var (exit, output) = Run("softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", SoPin, "--pin", Pin);
            if (exit != 0) throw new InvalidOperationException($"softhsm2-util --init-token {label} failed: {output}");
        }
        _shared = new(() => Open(Shared, queueTimeout: TimeSpan.FromSeconds(30)));
        _other = new(() => Open(Other, queueTimeout: TimeSpan.FromSeconds(30)));
    }

    /// <summary>The store's folder.</summary>
    public string Directory { get; }

    /// <summary>The config file (<c>SOFTHSM2_CONF</c>).</summary>
    public string ConfigPath { get; }

    /// <summary>The user PIN of every token.</summary>
    public string Pin { get; }

    /// <summary>The security officer PIN of every token.</summary>
    public string SoPin { get; }

    /// <summary>The long-lived token of <see cref="Shared"/>.</summary>
    public Pkcs11Token SharedToken => _shared.Value;

    /// <summary>The long-lived token of <see cref="Other"/>.</summary>
    public Pkcs11Token OtherToken => _other.Value;

    /// <summary>Options for <paramref name="label"/> with the right PIN unless <paramref name="pin"/> is given.</summary>
    public Pkcs11Options Options(string label, string? pin = null, int? maxInFlight = null, int? maxPerSecond = null,
        TimeSpan? queueTimeout = null, int? poolSize = null, string modulePath = ModulePath)
    {
        var secret = SecretBytes.CopyFrom(Encoding.UTF8.GetBytes(pin ?? Pin));
        lock (_pins) _pins.Add(secret);
        return new Pkcs11Options
        {
            ModulePath = modulePath,
            TokenLabel = label,
            Pin = secret,
            MaxInFlight = maxInFlight,
            MaxOperationsPerSecond = maxPerSecond,
            QueueTimeout = queueTimeout ?? TimeSpan.FromSeconds(5),
            SessionPoolSize = poolSize,
        };
    }

    /// <summary>Opens a token (the caller disposes it).</summary>
    public Pkcs11Token Open(string label, int? maxInFlight = null, int? maxPerSecond = null, TimeSpan? queueTimeout = null, int? poolSize = null) =>
        Pkcs11Token.Open(Options(label, maxInFlight: maxInFlight, maxPerSecond: maxPerSecond, queueTimeout: queueTimeout, poolSize: poolSize));

    /// <summary>Runs <c>pkcs11-tool</c> on the module with this store's config; returns exit code and stdout + stderr.</summary>
    public (int Exit, string Output) Pkcs11Tool(params string[] arguments) =>
        Run("pkcs11-tool", ["--module", ModulePath, .. arguments]);

    private (int Exit, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["SOFTHSM2_CONF"] = ConfigPath;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish in 60 s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    /// <summary>Closes the shared tokens, zeroes the PINs and deletes the store.</summary>
    public void Dispose()
    {
        if (_shared.IsValueCreated) _shared.Value.Dispose();
        if (_other.IsValueCreated) _other.Value.Dispose();
        lock (_pins) foreach (var p in _pins) p.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
