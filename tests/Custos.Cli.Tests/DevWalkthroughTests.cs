using System.Security.Cryptography;
using Custos.Cli.Tests.Infrastructure;

namespace Custos.Cli.Tests;

/// <summary>
/// The README walkthrough, end to end, as a user runs it: `custos dev`, then the CLI in another
/// process with the env file. A 200 MiB file round-trips byte-identical in bounded memory and the
/// lifecycle (rotate, disable/enable, schedule/cancel destruction) behaves as documented.
/// </summary>
public sealed class DevWalkthroughTests : IAsyncLifetime
{
    private const long MaxRss = 200L * 1024 * 1024;
    private readonly TempDir _dir = new();
    private CustosProcess _server = null!;
    private CliRunner _cli = null!;
    private int _port;

    private string DevDir => _dir.File(".custos-dev");

    public async ValueTask InitializeAsync()
    {
        _port = Repo.FreePort();
        _server = await CustosProcess.StartDevAsync(DevDir, _port);
        _cli = FromEnvFile();
    }

    public ValueTask DisposeAsync()
    {
        _server.Dispose();
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }

    private CliRunner FromEnvFile()
    {
        var env = File.ReadAllLines(Path.Combine(DevDir, "env"))
            .Where(l => l.StartsWith("export ", StringComparison.Ordinal))
            .Select(l => l["export ".Length..].Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv[1].Trim('\''));
        Assert.Equal($"https://127.0.0.1:{_port}", env["CUSTOS_ADDR"]);
        Assert.StartsWith("cst_", env["CUSTOS_TOKEN"], StringComparison.Ordinal);
        return new CliRunner(env["CUSTOS_ADDR"], env["CUSTOS_CACERT"], env["CUSTOS_TOKEN"], _dir.Path);
    }

    [Fact]
    public async Task A_200_MiB_file_round_trips_in_bounded_memory_and_the_lifecycle_behaves_as_documented()
    {
        Assert.Contains("DEV MODE", _server.Output, StringComparison.Ordinal);
        Assert.Contains("NOT for production", _server.Output, StringComparison.Ordinal);
        (await _cli.RunAsync("status")).Ok();
        var created = (await _cli.RunAsync("keys", "create", "--alias", "walk", "--classification", "restricted", "--jurisdiction", "DE")).Ok();
        Assert.Contains("alias/walk", created, StringComparison.Ordinal);

        var plain = _dir.File("big.bin");
        var plainHash = WriteRandomFile(plain, 200L * 1024 * 1024);
        var enc = await _cli.RunAsync("encrypt", "--key", "alias/walk", "--in", plain, "--out", _dir.File("big.cus"), "--context", "app=walkthrough");
        enc.Ok();
        Assert.InRange(enc.PeakRssBytes, 1, MaxRss);
        var dec = await _cli.RunAsync("decrypt", "--in", _dir.File("big.cus"), "--out", _dir.File("big.out"), "--context", "app=walkthrough");
        dec.Ok();
        Assert.InRange(dec.PeakRssBytes, 1, MaxRss);
        Assert.Equal(plainHash, HashFile(_dir.File("big.out")));
        Assert.InRange(_server.PeakRssBytes(), 1, MaxRss);
        File.Delete(plain);
        File.Delete(_dir.File("big.out"));

        // After a rotation the old file still decrypts, and new files use version 2.
        File.WriteAllText(_dir.File("small.txt"), "quarterly figures");
        (await _cli.RunAsync("encrypt", "--key", "alias/walk", "--in", _dir.File("small.txt"), "--out", _dir.File("v1.cus"))).Ok();
        Assert.Contains("Primary version:  2", (await _cli.RunAsync("keys", "rotate", "alias/walk")).Ok(), StringComparison.Ordinal);
        var v2 = await _cli.RunAsync("encrypt", "--key", "alias/walk", "--in", _dir.File("small.txt"), "--out", _dir.File("v2.cus"));
        Assert.Contains(" v2 ", v2.Ok() + v2.Stderr, StringComparison.Ordinal);
        await AssertDecryptsAsync("v1.cus");
        await AssertDecryptsAsync("v2.cus");

        // Disable: decrypt fails with a clear message and leaves nothing behind; enable restores it.
        (await _cli.RunAsync("keys", "disable", "alias/walk")).Ok();
        await AssertRefusedAsync("v1.cus", "disabled");
        (await _cli.RunAsync("keys", "enable", "alias/walk")).Ok();
        await AssertDecryptsAsync("v1.cus");

        // Scheduled destruction stops use; cancelling restores it.
        var scheduled = (await _cli.RunAsync("keys", "schedule-destruction", "alias/walk", "--pending-days", "7")).Ok();
        Assert.Contains("pending-destruction", scheduled, StringComparison.Ordinal);
        await AssertRefusedAsync("v2.cus", "pending destruction");
        (await _cli.RunAsync("keys", "cancel-destruction", "alias/walk")).Ok();
        await AssertDecryptsAsync("v2.cus");

        // Out-of-range waiting periods and illegal transitions are refused clearly.
        var tooShort = await _cli.RunAsync("keys", "schedule-destruction", "alias/walk", "--pending-days", "6");
        Assert.Equal(1, tooShort.ExitCode);
        Assert.Contains("between 7 and 30", tooShort.Stderr, StringComparison.Ordinal);
        var cancelNothing = await _cli.RunAsync("keys", "cancel-destruction", "alias/walk");
        Assert.Equal(1, cancelNothing.ExitCode);
        Assert.Contains("invalid-key-state", cancelNothing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_dev_run_on_the_same_folder_reuses_its_keys_and_token()
    {
        (await _cli.RunAsync("keys", "create", "--alias", "keep")).Ok();
        File.WriteAllText(_dir.File("a.txt"), "kept");
        (await _cli.RunAsync("encrypt", "--key", "alias/keep", "--in", _dir.File("a.txt"), "--out", _dir.File("a.cus"))).Ok();
        var tokenBefore = _cli.Token;
        _server.Dispose();

        _server = await CustosProcess.StartDevAsync(DevDir, _port);
        _cli = FromEnvFile();
        Assert.Equal(tokenBefore, _cli.Token);
        (await _cli.RunAsync("decrypt", "--in", _dir.File("a.cus"), "--out", _dir.File("a.out"))).Ok();
        Assert.Equal("kept", File.ReadAllText(_dir.File("a.out")));
    }

    [Fact]
    public async Task Cli_failures_are_one_clear_line_and_a_non_zero_exit()
    {
        var noKey = await _cli.RunAsync("keys", "show", "alias/missing");
        Assert.Equal(1, noKey.ExitCode);
        Assert.Equal("custos: key 'alias/missing' not found [not-found]", noKey.Stderr.Trim());
        var missingFile = await _cli.RunAsync("encrypt", "--key", "alias/x", "--in", _dir.File("nope"), "--out", _dir.File("o"));
        Assert.Equal(2, missingFile.ExitCode);
        Assert.StartsWith("custos: input file", missingFile.Stderr, StringComparison.Ordinal);
        var badToken = await _cli.WithToken("cst_wrong").RunAsync("keys", "list");
        Assert.Equal(1, badToken.ExitCode);
        Assert.Contains("[unauthenticated]", badToken.Stderr, StringComparison.Ordinal);
        var usage = await _cli.RunAsync("keys", "create", "--pending-days");
        Assert.NotEqual(0, usage.ExitCode);
        Assert.DoesNotContain("Exception", noKey.Stderr + missingFile.Stderr + badToken.Stderr, StringComparison.Ordinal);
    }

    private async Task AssertDecryptsAsync(string file)
    {
        var outFile = _dir.File(file + ".out");
        (await _cli.RunAsync("decrypt", "--in", _dir.File(file), "--out", outFile, "--force")).Ok();
        Assert.Equal("quarterly figures", File.ReadAllText(outFile));
        File.Delete(outFile);
    }

    private async Task AssertRefusedAsync(string file, string reason)
    {
        var outFile = _dir.File(file + ".refused");
        var r = await _cli.RunAsync("decrypt", "--in", _dir.File(file), "--out", outFile);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(reason, r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(outFile));
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.partial-*"));
    }

    private static string WriteRandomFile(string path, long size)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var f = File.Create(path);
        var buffer = new byte[1 << 20];
        for (long written = 0; written < size; written += buffer.Length)
        {
            RandomNumberGenerator.Fill(buffer);
            f.Write(buffer);
            sha.AppendData(buffer);
        }
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    private static string HashFile(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(f));
    }
}
