using System.Net.Http.Json;
using System.Text.Json;
using Custos.Cli.Tests.Infrastructure;

namespace Custos.Cli.Tests;

/// <summary>
/// Killing the server with SIGKILL in the middle of a stream of changes and starting it again on
/// the same folder (and unsealing with other shares) loses no key, version or state change that
/// was acknowledged.
/// </summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly ServeNode _node = new();

    public void Dispose() => _node.Dispose();

    private sealed record Expected(string Id, int Versions, string State, string? InFlight);

    [Fact]
    public async Task Acknowledged_changes_survive_sigkill_and_restart()
    {
        await _node.StartAsync();
        await _node.InitAsync(5, 3);
        await _node.UnsealAsync(1, 3, 5);

        var expected = new Dictionary<string, Expected>();
        using var http = _node.Server!.Client(_node.RootToken);
        using var stop = new CancellationTokenSource();
        string[] steps = ["rotate", "disable", "enable", "rotate", "schedule-destruction", "cancel-destruction", "disable"];
        string[] stateAfter = ["enabled", "disabled", "enabled", "enabled", "pending-destruction", "enabled", "disabled"];

        var worker = Task.Run(async () =>
        {
            for (int k = 0; !stop.IsCancellationRequested; k++)
            {
                var alias = $"crash-{k}";
                expected[alias] = new Expected("", 0, "", "create");
                using var created = await http.PostAsJsonAsync("v1/keys", new { alias }, stop.Token);
                created.EnsureSuccessStatusCode();
                var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(stop.Token)).RootElement.GetProperty("id").GetString()!;
                expected[alias] = new Expected(id, 1, "enabled", null);
                for (int s = 0; s < steps.Length && !stop.IsCancellationRequested; s++)
                {
                    var e = expected[alias];
                    expected[alias] = e with { InFlight = steps[s] };
                    using var r = await http.PostAsync($"v1/keys/{id}/{steps[s]}", null, stop.Token);
                    r.EnsureSuccessStatusCode();
                    expected[alias] = new Expected(id, e.Versions + (steps[s] == "rotate" ? 1 : 0), stateAfter[s], null);
                }
            }
        });

        await Task.Delay(TimeSpan.FromSeconds(4));
        _node.Kill(); // SIGKILL while the worker is mid-stream
        stop.Cancel();
        await Assert.ThrowsAnyAsync<Exception>(() => worker);
        Assert.True(expected.Count >= 3, $"only {expected.Count} keys were made before the kill");

        await _node.StartAsync();
        var sealedStatus = await _node.Cli.RunAsync("status");
        Assert.Equal(2, sealedStatus.ExitCode);
        Assert.Contains("Sealed:       yes", sealedStatus.Stdout, StringComparison.Ordinal);
        await _node.UnsealAsync(2, 4, 1);

        using var after = _node.Server!.Client(_node.RootToken);
        foreach (var (alias, e) in expected)
        {
            using var r = await after.GetAsync($"v1/keys/alias/{alias}");
            if (e.InFlight == "create" && r.StatusCode == System.Net.HttpStatusCode.NotFound) continue; // never acknowledged
            Assert.True(r.IsSuccessStatusCode, $"{alias}: HTTP {(int)r.StatusCode}");
            var key = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
            if (e.InFlight is not null) continue; // its last change may or may not have committed; it was not acknowledged
            Assert.Equal(e.Id, key.GetProperty("id").GetString());
            Assert.Equal(e.State, key.GetProperty("state").GetString());
            Assert.Equal(e.Versions, key.GetProperty("versions").GetArrayLength());
        }

        // The keys still work after the restart: the acknowledged versions' material survived.
        var first = expected.Values.First(e => e.InFlight is null);
        if (first.State != "enabled") (await after.PostAsync($"v1/keys/{first.Id}/enable", null)).EnsureSuccessStatusCode();
        using var dk = await after.PostAsJsonAsync($"v1/keys/{first.Id}/generate-data-key", new { });
        dk.EnsureSuccessStatusCode();
    }
}
