using System.CommandLine;
using Custos.Cli.Audit;
using Custos.Cli.Http;

namespace Custos.Cli.Commands.Audit;

/// <summary><c>custos audit verify | export | witness</c>.</summary>
public static class AuditCommands
{
    /// <summary>Builds the command group.</summary>
    public static Command Create()
    {
        var audit = new Command("audit", "Verify, export and witness the tamper-evident audit log");
        audit.Subcommands.Add(Verify());
        audit.Subcommands.Add(Export());
        audit.Subcommands.Add(Witness());
        return audit;
    }

    private static Command Verify()
    {
        var bundle = new Option<string?>("--bundle") { Description = "Verify an exported bundle folder offline instead of the live log" };
        var logKey = new Option<string?>("--log-key") { Description = "The log's verifier key (vkey text, or @FILE) to require instead of trusting the one served" };
        var verify = new Command("verify", "Verify the whole audit log: hash chain, leaf hashes, signed checkpoints and their roots") { bundle, logKey };
        verify.OnRun(async (p, ct) =>
        {
            string? expectedKey = ReadKeyOption(p.GetValue(logKey));
            if (p.GetValue(bundle) is { } dir)
            {
                if (expectedKey is not null && !string.Equals(expectedKey, (await File.ReadAllTextAsync(Path.Combine(dir, AuditBundle.KeyFile), ct)).Trim(), StringComparison.Ordinal))
                    throw new CliException("audit log INVALID: the bundle's log.vkey is not the key given with --log-key");
                var r = await AuditBundle.VerifyAsync(dir, ct, EventProgress.ToStderr("audit verify", 0));
                Report(r, $" (bundle {dir})");
                return 0;
            }
            using var log = new AuditLogClient(Globals.Connect(p));
            var result = await VerifyLiveAsync(log, expectedKey, ct);
            Report(result, "");
            return 0;
        });
        return verify;
    }

    private static Command Export()
    {
        var output = new Option<string>("--out") { Description = "Folder to write the bundle into (new or empty)", Required = true };
        var since = new Option<long>("--since") { Description = "First event index to export (default 0: the whole log, fully verifiable offline)", DefaultValueFactory = _ => 0 };
        var export = new Command("export", "Export the audit log to a read-only bundle folder for WORM storage") { output, since };
        export.OnRun(async (p, ct) =>
        {
            long from = p.GetValue(since);
            if (from < 0) throw new CliException("--since must be 0 or more", 2);
            string dir = p.GetValue(output)!;
            using var log = new AuditLogClient(Globals.Connect(p));
            var head = await log.GetCheckpointAsync(ct);
            var notes = await WithHeadAsync(log, head, ct);
            var r = await AuditBundle.WriteAsync(dir, head.Origin, head.VerifierKey.Trim(), from, notes, log.GetEventsAsync(from - 1, ct), TimeProvider.System, ct,
                EventProgress.ToStderr("audit export", head.TreeSize - from));
            Console.WriteLine($"Exported {r.Events} events and {notes.Count} checkpoints from event {from} to {dir} (files read-only).");
            if (!r.Ok) throw new CliException($"audit log INVALID: {r.Describe()} (the bundle was written as evidence)");
            return 0;
        });
        return export;
    }

    private static Command Witness()
    {
        var server = new Option<string?>("--server") { Description = "The Custos server to witness (default: --addr / $CUSTOS_ADDR)" };
        var state = new Option<string>("--state") { Description = "State folder: witness key, pinned log key, last cosigned checkpoint", Required = true };
        var name = new Option<string?>("--name") { Description = "Witness key name (default: witness-<hostname>)" };
        var once = new Option<bool>("--once") { Description = "Do one round and exit" };
        var interval = new Option<int>("--interval") { Description = "Seconds between rounds (default 10)", DefaultValueFactory = _ => 10 };
        var witness = new Command("witness", "Witness the audit log: check each checkpoint extends the last one, cosign it, raise an alarm on a fork (exit 3)")
        {
            server, state, name, once, interval,
        };
        witness.OnRun(async (p, ct) =>
        {
            if (p.GetValue(interval) < 1) throw new CliException("--interval must be at least 1 second", 2);
            string keyName = p.GetValue(name) ?? "witness-" + Environment.MachineName.ToLowerInvariant();
            var w = AuditWitness.Open(p.GetValue(state)!, keyName, TimeProvider.System, out bool created);
            Console.WriteLine(created ? $"Created witness key '{keyName}'. Give the log operator this verifier key:" : $"Witness '{keyName}':");
            Console.WriteLine(w.VerifierKey);
            using var log = new AuditLogClient(Globals.Connect(p, p.GetValue(server)));
            if (p.GetValue(once)) return await w.RoundAsync(log, ct);
            while (true)
            {
                try
                {
                    int code = await w.RoundAsync(log, ct);
                    if (code != 0) return code;
                }
                catch (Exception e) when (e is CliException or ApiException or IOException)
                {
                    Console.Error.WriteLine($"custos: witness round failed, retrying: {e.Message}");
                }
                await Task.Delay(TimeSpan.FromSeconds(p.GetValue(interval)), ct);
            }
        });
        return witness;
    }

    /// <summary>Pages every checkpoint and event from the server through <see cref="LogVerifier"/>.</summary>
    internal static async Task<LogVerification> VerifyLiveAsync(AuditLogClient log, string? expectedKey, CancellationToken ct)
    {
        var head = await log.GetCheckpointAsync(ct);
        string vkey = head.VerifierKey.Trim();
        if (expectedKey is not null && !string.Equals(expectedKey, vkey, StringComparison.Ordinal))
            throw new CliException("audit log INVALID: the server's log key is not the key given with --log-key");
        // Checkpoints first: every event they cover already exists when the events are paged afterwards.
        var notes = await WithHeadAsync(log, head, ct);
        var verifier = new LogVerifier(vkey, notes);
        var progress = EventProgress.ToStderr("audit verify", head.TreeSize);
        long events = 0;
        await foreach (var leaf in log.GetEventsAsync(-1, ct))
        {
            if (!verifier.Add(leaf)) break;
            progress.Report(++events);
        }
        progress.Done(events);
        return verifier.Complete();
    }

    /// <summary>The stored checkpoints plus the current one when it is newer than the last stored.</summary>
    private static async Task<List<string>> WithHeadAsync(AuditLogClient log, Server.Api.Rest.Audit.AuditEndpoints.CheckpointResponse head, CancellationToken ct)
    {
        var notes = await log.GetCheckpointNotesAsync(ct);
        if (!notes.Contains(head.Note, StringComparer.Ordinal) && head.TreeSize > LastSize(notes)) notes.Add(head.Note);
        return notes;
    }

    private static long LastSize(List<string> notes) =>
        notes.Count > 0 && Crypto.Transparency.SignedNote.TryParse(notes[^1], out var n) && Crypto.Transparency.Checkpoint.TryParse(n!.Text, out var cp) ? cp!.Size : -1;

    private static void Report(LogVerification r, string where)
    {
        if (!r.Ok) throw new CliException($"audit log INVALID: {r.Describe()}");
        string root = r.LatestRoot is null ? "(none)" : Convert.ToBase64String(r.LatestRoot);
        Console.WriteLine($"audit log verified{where}: {r.Events} events, {r.Checkpoints} checkpoints, latest size {r.LatestSize} root {root}");
        if (r.RootsChecked && r.Events > r.LatestSize)
            Console.WriteLine($"events {r.LatestSize}..{r.Events - 1} are newer than the latest signed checkpoint: only their hash chain was checked (a later checkpoint or a witness covers them)");
        if (!r.RootsChecked)
            Console.WriteLine("partial bundle (--since > 0): hash chain, leaf hashes and checkpoint signatures verified; checkpoint roots NOT recomputed (export with --since 0 for full verification)");
    }

    /// <summary>A --log-key value: the vkey text, or @FILE holding it.</summary>
    internal static string? ReadKeyOption(string? value) =>
        value is null ? null : value.StartsWith('@') ? File.ReadAllText(value[1..]).Trim() : value.Trim();
}
