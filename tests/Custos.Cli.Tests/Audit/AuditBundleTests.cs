using Custos.Cli.Audit;
using Custos.Cli.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Custos.Cli.Tests.Audit;

public sealed class AuditBundleTests
{
    private static readonly long[] Sizes = [10, 40, 52, 60];

    private static async IAsyncEnumerable<AuditLeaf> Stream(IEnumerable<AuditLeaf> leaves)
    {
        foreach (var l in leaves) yield return l;
        await Task.CompletedTask;
    }

    private static Task<LogVerification> Export(SyntheticLog log, string dir, long since = 0) =>
        AuditBundle.WriteAsync(dir, SyntheticLog.Origin, log.VerifierKey, since, log.Notes(Sizes), Stream(log.Leaves.Skip((int)since)),
            new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero)), TestContext.Current.CancellationToken);

    [Fact]
    public async Task Export_then_verify_bundle_round_trips()
    {
        using var log = new SyntheticLog(60);
        using var tmp = new TempDir();
        string dir = tmp.File("bundle");

        var written = await Export(log, dir);
        var r = await AuditBundle.VerifyAsync(dir, TestContext.Current.CancellationToken);

        Assert.True(written.Ok, written.Problem);
        Assert.True(r.Ok, r.Problem);
        Assert.Equal(60, r.Events);
        Assert.Equal(4, r.Checkpoints);
        Assert.True(r.RootsChecked);
        Assert.Equal(
            [AuditBundle.CheckpointsFile, AuditBundle.EventsFile, AuditBundle.KeyFile, AuditBundle.ManifestFile],
            Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(60, File.ReadLines(Path.Combine(dir, AuditBundle.EventsFile)).Count());
        Assert.StartsWith("{\"index\":0,\"leafHash\":\"", File.ReadLines(Path.Combine(dir, AuditBundle.EventsFile)).First(), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
            foreach (var f in Directory.GetFiles(dir))
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(f));
    }

    [Fact]
    public async Task The_verify_bundle_command_runs_offline()
    {
        using var log = new SyntheticLog(60);
        using var tmp = new TempDir();
        string dir = tmp.File("bundle");
        await Export(log, dir);

        int ok = await CliApp.RunAsync(["audit", "verify", "--bundle", dir], TestContext.Current.CancellationToken);
        int wrongKey = await CliApp.RunAsync(["audit", "verify", "--bundle", dir, "--log-key", new SyntheticLog(0).VerifierKey], TestContext.Current.CancellationToken);

        Assert.Equal(0, ok);
        Assert.Equal(1, wrongKey);
    }

    [Fact]
    public async Task A_tampered_bundle_file_is_detected_by_the_manifest()
    {
        using var log = new SyntheticLog(60);
        using var tmp = new TempDir();
        string dir = tmp.File("bundle");
        await Export(log, dir);
        string events = Path.Combine(dir, AuditBundle.EventsFile);
        File.SetUnixFileMode(events, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var lines = File.ReadAllLines(events);
        File.WriteAllLines(events, lines.Take(59));

        var r = await AuditBundle.VerifyAsync(dir, TestContext.Current.CancellationToken);
        int code = await CliApp.RunAsync(["audit", "verify", "--bundle", dir], TestContext.Current.CancellationToken);

        Assert.False(r.Ok);
        Assert.Equal("bundle: events.jsonl does not match its SHA-256 in manifest.json (the file was changed)", r.Problem);
        Assert.Equal(1, code);
    }

    [Fact]
    public async Task A_bundle_of_a_tampered_log_names_the_event()
    {
        using var log = new SyntheticLog(60);
        using var tmp = new TempDir();
        string dir = tmp.File("bundle");
        log.Leaves[17] = SyntheticLog.Leaf(17, log.Leaves[16].LeafHash, SyntheticLog.Event(17, "key.destroy"));

        var written = await Export(log, dir);
        var r = await AuditBundle.VerifyAsync(dir, TestContext.Current.CancellationToken);

        Assert.Equal(17, written.FirstBadIndex);
        Assert.Equal(17, r.FirstBadIndex);
    }

    [Fact]
    public async Task A_partial_bundle_verifies_chain_and_signatures_only()
    {
        using var log = new SyntheticLog(60);
        using var tmp = new TempDir();
        string dir = tmp.File("bundle");

        await Export(log, dir, since: 30);
        var r = await AuditBundle.VerifyAsync(dir, TestContext.Current.CancellationToken);

        Assert.True(r.Ok, r.Problem);
        Assert.False(r.RootsChecked);
        Assert.Equal(30, r.Events);
    }

    [Fact]
    public async Task Export_refuses_a_non_empty_folder()
    {
        using var log = new SyntheticLog(60);
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("other.txt"), "x");

        var e = await Assert.ThrowsAsync<CliException>(() => Export(log, tmp.Path));

        Assert.Contains("is not empty", e.Message, StringComparison.Ordinal);
    }
}
