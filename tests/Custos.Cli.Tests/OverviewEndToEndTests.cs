using Custos.Cli.Tests.Infrastructure;

namespace Custos.Cli.Tests;

/// <summary>
/// `custos report overview` on a production-style node (`custos serve`) whose location moved after a key was made for the old
/// one: started with --allow-stranded-keys, the overview names the stranded key and why, and exits 3 so that a scheduled job
/// can alert on it; once the location is restored it exits 0.
/// </summary>
public sealed class OverviewEndToEndTests
{
    [Fact]
    public async Task The_overview_names_a_key_stranded_by_a_moved_node_and_exits_3_until_it_complies_again()
    {
        using var node = new ServeNode("\"location\": { \"country\": \"DE\", \"operator\": \"op-node\" }");
        await node.StartAsync();
        await node.InitAsync(1, 1);
        await node.UnsealAsync(1);
        var created = (await node.Cli.RunAsync("keys", "create", "--alias", "berlin", "--jurisdiction", "DE")).Ok();
        var id = created.Split('\n').First(l => l.StartsWith("Key:", StringComparison.Ordinal))["Key:".Length..].Trim();
        var before = await node.Cli.RunAsync("report", "overview", "--out", "before.html");

        node.Kill();
        File.WriteAllText(node.ConfigFile, File.ReadAllText(node.ConfigFile).Replace("\"DE\"", "\"AT\"", StringComparison.Ordinal));
        await node.StartAsync("--allow-stranded-keys");
        await node.UnsealAsync(1);
        var stranded = await node.Cli.RunAsync("report", "overview", "--out", "stranded.html", "--out", "stranded.json");

        Assert.Equal(0, before.ExitCode);
        Assert.StartsWith("Residency overview: 1 key(s), 1 comply, 0 out of policy; material in DE (1).", before.Stdout, StringComparison.Ordinal);
        Assert.Equal(3, stranded.ExitCode);
        Assert.StartsWith("Residency overview: 1 key(s), 0 comply, 1 out of policy; material in AT (1).", stranded.Stdout, StringComparison.Ordinal);
        Assert.Contains($"  out of policy: {id} (alias/berlin): key {id} (alias/berlin, confidential): the key's allowedJurisdictions allows DE, but node ", stranded.Stdout, StringComparison.Ordinal);
        var page = File.ReadAllText(node.Dir.File("stranded.html"));
        Assert.Contains("1 of 1 key(s) are out of residency policy", page, StringComparison.Ordinal);
        Assert.Contains("fill=\"#c0392b\"", page, StringComparison.Ordinal); // the AT bar is red
    }
}
