using System.Diagnostics;
using Custos.Core.Ports;
using Custos.Keystores.Pkcs11;

namespace Custos.Bench.Hsm;

/// <summary>The adapter: the same decrypt through Pkcs11Keystore (limiter, session pool, handle cache, SecretBytes).</summary>
internal static class Adapter
{
    public static double Run(Pkcs11Keystore keystore, KeyVersionRef version, byte[] blob, byte[] aad, byte[] expected, int threads, TimeSpan window)
    {
        long total = 0;
        using var go = new Barrier(threads + 1);
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            long n = 0;
            go.SignalAndWait();
            var deadline = Stopwatch.GetTimestamp() + (long)(window.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var pending = keystore.DecryptAsync(version, blob, aad, CancellationToken.None);
                using var plaintext = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
                if (plaintext is null || !plaintext.Reveal().SequenceEqual(expected)) throw new InvalidOperationException("adapter decrypt failed");
                n++;
            }
            Interlocked.Add(ref total, n);
        })).ToList();
        workers.ForEach(w => w.Start());
        go.SignalAndWait();
        var clock = Stopwatch.StartNew();
        workers.ForEach(w => w.Join());
        return total / clock.Elapsed.TotalSeconds;
    }
}
