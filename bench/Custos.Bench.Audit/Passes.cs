using System.Security.Cryptography;
using Custos.Cli.Audit;

namespace Custos.Bench.Audit;

/// <summary>The timed passes over the same log; each returns what it checked so the work cannot be skipped.</summary>
internal static class Passes
{
    /// <summary>
    /// The irreducible cost: SHA-256 over (0x00 || leaf data) for every leaf, from memory — what any verifier of an
    /// RFC 6962 log must compute, and nothing else (no parsing, no tree, no I/O).
    /// </summary>
    public static long HashLeaves(List<AuditLeaf> leaves, EventProgress progress)
    {
        Span<byte> hash = stackalloc byte[32];
        byte[] buffer = new byte[64 * 1024];
        long check = 0, n = 0;
        foreach (var leaf in leaves)
        {
            if (leaf.Data.Length + 1 > buffer.Length) buffer = new byte[leaf.Data.Length * 2];
            buffer[0] = 0x00;
            leaf.Data.CopyTo(buffer, 1);
            SHA256.HashData(buffer.AsSpan(0, leaf.Data.Length + 1), hash);
            check += hash[0];
            progress.Report(++n);
        }
        progress.Done(n);
        return check;
    }

    /// <summary><see cref="LogVerifier"/> over leaves already in memory: the verifier's own cost.</summary>
    public static LogVerification VerifyInMemory(BenchLog log, List<AuditLeaf> leaves, EventProgress progress)
    {
        var verifier = new LogVerifier(log.VerifierKey, log.Notes);
        long n = 0;
        foreach (var leaf in leaves)
        {
            if (!verifier.Add(leaf)) break;
            progress.Report(++n);
        }
        progress.Done(n);
        return verifier.Complete();
    }

    /// <summary><see cref="LogVerifier"/> fed from the data file in pages of 1000, as the audit API reads them (no HTTP).</summary>
    public static async Task<LogVerification> VerifyFromDatabaseAsync(BenchLog log, EventProgress progress, CancellationToken ct)
    {
        var verifier = new LogVerifier(log.VerifierKey, log.Notes);
        long n = 0;
        await foreach (var leaf in log.ReadLeavesAsync(ct))
        {
            if (!verifier.Add(leaf)) break;
            progress.Report(++n);
        }
        progress.Done(n);
        return verifier.Complete();
    }

    /// <summary><c>custos audit verify --bundle</c>'s work: manifest hashes, parsing every line, <see cref="LogVerifier"/>.</summary>
    public static Task<LogVerification> VerifyBundleAsync(string dir, EventProgress progress, CancellationToken ct) =>
        AuditBundle.VerifyAsync(dir, ct, progress);
}
