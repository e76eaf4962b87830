using System.Text.RegularExpressions;
using Custos.Cli.Tests.Infrastructure;

namespace Custos.Cli.Tests;

/// <summary>
/// The init ceremony as operators run it, against `custos serve`: three operators make keys, init names
/// them, two confirm with their own keys, and those two unseal with their encrypted shares. No share is
/// ever printed or written in clear.
/// </summary>
public sealed partial class CeremonyEndToEndTests : IDisposable
{
    private readonly ServeNode _node = new();

    public void Dispose() => _node.Dispose();

    [GeneratedRegex("cer_[0-9a-f]{16}")]
    private static partial Regex CeremonyId();

    [Fact]
    public async Task Keygen_init_with_operators_two_confirm_two_unseal_and_a_key_can_be_made()
    {
        await _node.StartAsync();
        var cli = new CliRunner(_node.Server!.Address, _node.Server.CaCert, "", _node.Dir.Path);
        var keys = _node.Dir.File("keys");
        var hand = _node.Dir.File("ceremony");
        string Key(string who) => Path.Combine(keys, who + ".key");
        string Share(string who) => Path.Combine(hand, who + ".share");
        string[] Confirm(string share, string key) => ["ceremony", "confirm", "--transcript", Path.Combine(hand, "transcript.txt"), "--share", Share(share), "--key", Key(key)];
        string[] UnsealWith(string who) => ["unseal", "--share-file", Share(who), "--key", Key(who)];

        foreach (var who in new[] { "alice", "bob", "carol" })
            Assert.Contains("fingerprint", (await cli.RunAsync("ceremony", "keygen", "--name", who, "--out", keys)).Ok(), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Key("alice")));
        Assert.NotEqual(0, (await cli.RunAsync("ceremony", "keygen", "--name", "alice", "--out", keys)).ExitCode); // never overwritten

        var init = (await cli.RunAsync("init", "--shares", "3", "--threshold", "2", "--out", hand,
            "--operator", $"alice={keys}/alice.pub", "--operator", $"bob={keys}/bob.pub", "--operator", $"carol={keys}/carol.pub")).Ok();

        var id = CeremonyId().Match(init).Value;
        var rootToken = init.Split('\n').Single(l => l.StartsWith("Root token: ", StringComparison.Ordinal))["Root token: ".Length..].Trim();
        Assert.Contains("PENDING", init, StringComparison.Ordinal);
        Assert.DoesNotContain("custos-share-v1:", init, StringComparison.Ordinal);
        foreach (var f in Directory.GetFiles(hand)) Assert.DoesNotContain("custos-share-v1:", File.ReadAllText(f), StringComparison.Ordinal);

        var early = await cli.RunAsync(UnsealWith("alice"));
        Assert.NotEqual(0, early.ExitCode);
        Assert.Contains("needs 2 of 3 operator confirmations; 0 so far", early.Stderr, StringComparison.Ordinal);
        Assert.Contains("[ceremony-pending]", early.Stderr, StringComparison.Ordinal);

        Assert.Contains("1 of 2 confirmations", (await cli.RunAsync(Confirm("alice", "alice"))).Ok(), StringComparison.Ordinal);
        var swapped = await cli.RunAsync(Confirm("alice", "bob"));
        Assert.Equal(2, swapped.ExitCode);
        Assert.Contains("is alice's share; your key is bob's", swapped.Stderr, StringComparison.Ordinal);
        var twice = await cli.RunAsync(Confirm("alice", "alice"));
        Assert.NotEqual(0, twice.ExitCode);
        Assert.Contains("counts once", twice.Stderr, StringComparison.Ordinal);
        Assert.Contains("The ceremony is complete", (await cli.RunAsync(Confirm("bob", "bob"))).Ok(), StringComparison.Ordinal);

        var show = (await cli.RunAsync("ceremony", "show", id)).Ok();
        Assert.Equal(2, Regex.Count(show, "signature verified"));
        Assert.Contains("complete, 2 of 2 confirmations", show, StringComparison.Ordinal);

        (await cli.RunAsync(UnsealWith("alice"))).Ok();
        Assert.Contains("Sealed:       no", (await cli.RunAsync(UnsealWith("bob"))).Ok(), StringComparison.Ordinal);
        Assert.Contains("after-ceremony", (await cli.WithToken(rootToken).RunAsync("keys", "create", "--alias", "after-ceremony")).Ok(), StringComparison.Ordinal);

        Assert.DoesNotContain(rootToken, _node.Server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("custos-share-v1:", _node.Server.Output, StringComparison.Ordinal);
        Assert.Contains($"Init ceremony {id} complete, confirmed by alice, bob", _node.Server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_without_operators_warns_that_no_ceremony_was_held()
    {
        await _node.StartAsync();

        var cli = new CliRunner(_node.Server!.Address, _node.Server.CaCert, "", _node.Dir.Path);
        var init = await cli.RunAsync("init", "--shares", "3", "--threshold", "2", "--share-dir", _node.Dir.File("shares"));

        init.Ok();
        Assert.Contains("WARNING: no init ceremony was held", init.Stderr, StringComparison.Ordinal);
        await Task.Delay(200); // the server's log line
        Assert.Contains("NO INIT CEREMONY", _node.Server.Output, StringComparison.Ordinal);
    }
}
