using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Custos.Cli.Audit;
using Custos.Cli.Http;
using Custos.Crypto.Transparency;

namespace Custos.Cli.Commands.Audit;

/// <summary>
/// <c>custos audit witness</c>: the state folder and the rounds around <see cref="WitnessRound"/>.
/// <code>
/// DIR/witness.key      Ed25519 seed, 32 raw bytes, 0600, created on first run
/// DIR/witness.vkey     the witness's cosignature/v1 verifier key (type 0x04), for the log operator
/// DIR/log.vkey         the log key pinned on first contact
/// DIR/state.json       {"treeSize","rootHash","note"} of the last cosigned checkpoint
/// DIR/fork-evidence-&lt;UTC time&gt;.txt   written on every alarm (fork, rollback, inconsistency, key or signature)
/// </code>
/// </summary>
internal sealed class AuditWitness
{
    /// <summary>Exit code for an alarm: never cosigned.</summary>
    public const int AlarmExitCode = 3;

    private readonly string _dir;
    private readonly Ed25519CosignatureV1Signer _signer;
    private readonly TimeProvider _time;

    private AuditWitness(string dir, Ed25519CosignatureV1Signer signer, TimeProvider time)
    {
        _dir = dir;
        _signer = signer;
        _time = time;
    }

    /// <summary>The witness's verifier key.</summary>
    public string VerifierKey => _signer.VerifierKey;

    /// <summary>Opens (or on first run creates) the state folder and the witness key.</summary>
    public static AuditWitness Open(string dir, string name, TimeProvider time, out bool created)
    {
        if (!NoteSignature.IsValidName(name)) throw new CliException($"witness name '{name}' is not a valid key name (no spaces or '+')", 2);
        Directory.CreateDirectory(dir);
        string keyPath = Path.Combine(dir, "witness.key");
        created = !File.Exists(keyPath);
        byte[] seed = created ? RandomNumberGenerator.GetBytes(32) : File.ReadAllBytes(keyPath);
        try
        {
            if (seed.Length != 32) throw new CliException($"'{keyPath}' is not a 32-byte Ed25519 seed");
            if (created)
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                using (var f = new FileStream(keyPath, options)) f.Write(seed);
            }
            var signer = new Ed25519CosignatureV1Signer(name, seed, time);
            File.WriteAllText(Path.Combine(dir, "witness.vkey"), signer.VerifierKey + "\n");
            return new AuditWitness(dir, signer, time);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>One round against the log; returns the exit code (0, or <see cref="AlarmExitCode"/>).</summary>
    public async Task<int> RoundAsync(AuditLogClient log, CancellationToken ct)
    {
        var served = await log.GetCheckpointAsync(ct);
        string pinPath = Path.Combine(_dir, "log.vkey");
        if (!File.Exists(pinPath))
        {
            if (!NoteVerifier.TryParse(served.VerifierKey, out _)) throw new CliException("the log's verifier key does not parse; not pinning it");
            await File.WriteAllTextAsync(pinPath, served.VerifierKey.Trim() + "\n", ct);
            Console.WriteLine($"Pinned the log key: {served.VerifierKey.Trim()}");
        }
        string pinned = (await File.ReadAllTextAsync(pinPath, ct)).Trim();
        var last = LoadState();

        var decision = WitnessRound.Decide(pinned, served.VerifierKey, last, served.Note);
        IReadOnlyList<byte[]>? proof = null;
        if (decision.Verdict == WitnessVerdict.NeedConsistencyProof)
        {
            proof = await log.GetConsistencyAsync(decision.ProofFrom, decision.Checkpoint!.Size, ct);
            decision = WitnessRound.Decide(pinned, served.VerifierKey, last, served.Note, proof);
        }

        if (decision.IsAlarm)
        {
            string evidence = WriteEvidence(decision, last, served, proof);
            var e = Console.Error;
            e.WriteLine("################################################################");
            e.WriteLine($"## AUDIT LOG ALARM: {decision.Verdict}");
            e.WriteLine($"## {decision.Message}");
            e.WriteLine($"## evidence: {evidence}");
            e.WriteLine(decision.Checkpoint is { } refused
                ? $"## REFUSED: checkpoint {refused.Size} was NOT cosigned. Keep the evidence file and report it."
                : "## REFUSED: nothing was cosigned. Keep the evidence file and report it.");
            e.WriteLine("################################################################");
            return AlarmExitCode;
        }
        if (decision.Verdict == WitnessVerdict.UpToDate)
        {
            Console.WriteLine(decision.Message);
            return 0;
        }

        var cosigned = decision.Note!.AddSignature(_signer).Format();
        await log.PostCosignatureAsync(cosigned, ct);
        SaveState(new WitnessState(decision.Checkpoint!.Size, decision.Checkpoint.RootHash, served.Note));
        Console.WriteLine($"cosigned checkpoint {decision.Checkpoint.Size} root {Convert.ToBase64String(decision.Checkpoint.RootHash)} ({decision.Message})");
        return 0;
    }

    private WitnessState? LoadState()
    {
        string path = Path.Combine(_dir, "state.json");
        if (!File.Exists(path)) return null;
        try
        {
            var s = JsonSerializer.Deserialize(File.ReadAllBytes(path), AuditWireJson.Default.WitnessStateFile);
            if (s?.RootHash is { Length: MerkleHash.Size } && s.TreeSize >= 0) return new WitnessState(s.TreeSize, s.RootHash, s.Note);
        }
        catch (JsonException) { }
        throw new CliException($"'{path}' is damaged; refusing to guess what was cosigned");
    }

    private void SaveState(WitnessState state)
    {
        string path = Path.Combine(_dir, "state.json");
        string tmp = path + ".tmp";
        File.WriteAllBytes(tmp, JsonSerializer.SerializeToUtf8Bytes(new WitnessStateFile(state.TreeSize, state.RootHash, state.Note), AuditWireJson.Default.WitnessStateFile));
        File.Move(tmp, path, overwrite: true);
    }

    private string WriteEvidence(WitnessDecision d, WitnessState? last, Server.Api.Rest.Audit.AuditEndpoints.CheckpointResponse served, IReadOnlyList<byte[]>? proof)
    {
        var now = _time.GetUtcNow();
        string path = Path.Combine(_dir, $"fork-evidence-{now:yyyyMMdd'T'HHmmss'Z'}.txt");
        var sb = new StringBuilder();
        sb.Append("Custos audit witness alarm: ").Append(d.Verdict).Append('\n');
        sb.Append("time: ").Append(now.ToString("O")).Append('\n');
        sb.Append(d.Message).Append('\n').Append('\n');
        sb.Append("== last cosigned checkpoint ==\n");
        if (last is null) sb.Append("(none)\n");
        else sb.Append("size ").Append(last.TreeSize).Append(" root ").Append(Convert.ToBase64String(last.RootHash)).Append('\n').Append(last.Note ?? "(note not kept)\n");
        sb.Append("\n== served checkpoint ==\n").Append("verifier key: ").Append(served.VerifierKey).Append('\n').Append(served.Note);
        if (proof is not null)
        {
            sb.Append("\n== consistency proof from ").Append(d.ProofFrom).Append(" ==\n");
            foreach (var h in proof) sb.Append(Convert.ToBase64String(h)).Append('\n');
        }
        File.WriteAllText(path, sb.ToString());
        return path;
    }
}
