using Custos.Cli.Tests.Infrastructure;

namespace Custos.Cli.Tests;

/// <summary>
/// Flipping any single byte of an encrypted file, truncating it anywhere, or giving another
/// encryption context makes `custos decrypt` fail with the same "invalid ciphertext" message and
/// leave no output file. Runs the CLI in-process so that every byte can be tried.
/// </summary>
public sealed class TamperTests : IAsyncLifetime
{
    private const string Expected = "custos: invalid ciphertext";
    private readonly TempDir _dir = new();
    private CustosProcess _server = null!;
    private CliRunner _cli = null!;

    public async ValueTask InitializeAsync()
    {
        var devDir = _dir.File(".custos-dev");
        _server = await CustosProcess.StartDevAsync(devDir, Repo.FreePort());
        var token = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(devDir, "dev-unseal.json"))).RootElement.GetProperty("rootToken").GetString()!;
        _cli = new CliRunner(_server.Address, _server.CaCert, token, _dir.Path);
        (await _cli.RunInProcessAsync("keys", "create", "--alias", "t")).Ok();
    }

    public ValueTask DisposeAsync()
    {
        _server.Dispose();
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<byte[]> EncryptAsync(int size, params string[] context)
    {
        var plain = _dir.File("p.bin");
        File.WriteAllBytes(plain, System.Security.Cryptography.RandomNumberGenerator.GetBytes(size));
        var enc = _dir.File("p.cus");
        File.Delete(enc);
        var args = new List<string> { "encrypt", "--key", "alias/t", "--in", plain, "--out", enc };
        foreach (var c in context) { args.Add("--context"); args.Add(c); }
        (await _cli.RunInProcessAsync([.. args])).Ok();
        return File.ReadAllBytes(enc);
    }

    private async Task AssertRejectedAsync(byte[] tampered, string what, params string[] context)
    {
        var input = _dir.File("t.cus");
        var output = _dir.File("t.out");
        File.WriteAllBytes(input, tampered);
        var args = new List<string> { "decrypt", "--in", input, "--out", output };
        foreach (var c in context) { args.Add("--context"); args.Add(c); }
        var r = await _cli.RunInProcessAsync([.. args]);
        Assert.True(r.ExitCode == 1 && r.Stderr.Trim() == Expected, $"{what}: exit {r.ExitCode}, stderr '{r.Stderr.Trim()}'");
        Assert.False(File.Exists(output), $"{what}: output file left behind");
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.partial-*"));
    }

    [Fact]
    public async Task Every_single_byte_flip_is_rejected_the_same_way_and_leaves_no_output()
    {
        var envelope = await EncryptAsync(700, "tenant=acme");
        for (int i = 0; i < envelope.Length; i++)
        {
            var t = (byte[])envelope.Clone();
            t[i] ^= 0x01;
            await AssertRejectedAsync(t, $"flip at {i}", "tenant=acme");
        }
        // The untouched file still decrypts: the failures above are the tampering, not the setup.
        File.WriteAllBytes(_dir.File("ok.cus"), envelope);
        (await _cli.RunInProcessAsync("decrypt", "--in", _dir.File("ok.cus"), "--out", _dir.File("ok.out"), "--context", "tenant=acme")).Ok();
        Assert.Equal(File.ReadAllBytes(_dir.File("p.bin")), File.ReadAllBytes(_dir.File("ok.out")));
    }

    [Fact]
    public async Task Every_truncation_is_rejected_and_leaves_no_output()
    {
        var envelope = await EncryptAsync(500);
        for (int len = 0; len < envelope.Length; len++)
            await AssertRejectedAsync(envelope[..len], $"truncated to {len}");
    }

    [Fact]
    public async Task Multi_frame_files_reject_tampering_in_every_frame_and_truncation_at_frame_boundaries()
    {
        const int frame = 65536;
        var envelope = await EncryptAsync(3 * frame + 100);
        int body = envelope.Length - (3 * (frame + 9 + 16) + (100 + 9 + 16));
        int[] positions = [body + 5, body + frame / 2, body + frame + 30, body + 2 * (frame + 25) + 1000, envelope.Length - 1, envelope.Length - 17];
        foreach (var i in positions)
        {
            var t = (byte[])envelope.Clone();
            t[i] ^= 0x80;
            await AssertRejectedAsync(t, $"flip at {i}");
        }
        foreach (var len in new[] { body, body + frame + 25, body + 2 * (frame + 25), envelope.Length - 1 })
            await AssertRejectedAsync(envelope[..len], $"truncated to {len}");
        await AssertRejectedAsync([.. envelope, 0], "a trailing byte");
    }

    [Fact]
    public async Task Another_encryption_context_is_rejected_the_same_way()
    {
        var envelope = await EncryptAsync(100, "tenant=acme", "purpose=billing");
        await AssertRejectedAsync(envelope, "other value", "tenant=evil", "purpose=billing");
        await AssertRejectedAsync(envelope, "missing pair", "tenant=acme");
        await AssertRejectedAsync(envelope, "extra pair", "tenant=acme", "purpose=billing", "x=y");
        await AssertRejectedAsync(envelope, "no context");
    }
}
