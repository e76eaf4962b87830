using Custos.Core.Ports;
using Custos.Keystores.Pkcs11;

namespace Custos.Bench.Hsm;

/// <summary>The adapter: the same decrypt through Pkcs11Keystore (limiter, session pool, handle cache, SecretBytes).</summary>
internal static class Adapter
{
    public static double Run(Pkcs11Keystore keystore, KeyVersionRef version, byte[] blob, byte[] aad, byte[] expected, int threads, TimeSpan window) =>
        Workers.OperationsPerSecond(threads, window, _ =>
        {
            var pending = keystore.DecryptAsync(version, blob, aad, CancellationToken.None);
            using var plaintext = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            if (plaintext is null || !plaintext.Reveal().SequenceEqual(expected)) throw new InvalidOperationException("adapter decrypt failed");
        });
}
