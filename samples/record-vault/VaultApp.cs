using Custos.Client;
using Custos.Crypto;

namespace RecordVault;

/// <summary>
/// The sample: connect to the Custos dev server from its env file, make sure the key exists, store three customers
/// with encrypted fields, show what is on disk, read them back, and show what the data-key caches saved.
/// </summary>
public static class VaultApp
{
    /// <summary>Key alias the sample uses.</summary>
    public const string Alias = "record-vault";

    /// <summary>Runs the sample; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken ct = default)
    {
        var env = Option(args, "--env") ?? FindDevEnv();
        var data = Option(args, "--data") ?? "record-vault-data";
        if (env is null || !File.Exists(env))
        {
            await output.WriteLineAsync("No dev server env file: start one with `./custos dev` (it writes .custos-dev/env) or pass --env FILE.");
            return 2;
        }

        var options = CustosClientOptions.FromEnvironment(env);
        await DevKey.EnsureAsync(options, Alias, ct);
        using var client = new CustosClient(options);
        using var encryptor = new CustosEncryptor(client, new CustosEncryptorOptions
        {
            // Reading the same field again within a minute reuses its unwrapped data key (if the key's policy allows).
            DecryptionCache = new DataKeyCacheOptions { MaxAge = TimeSpan.FromMinutes(1), MaxMessages = 100 },
        });

        Directory.CreateDirectory(data);
        var file = Path.Combine(data, "customers.jsonl");
        File.Delete(file);
        var store = new RecordStore(encryptor, "alias/" + Alias, file);
        CustomerRecord[] customers =
        [
            new("c-001", "Ada Lovelace", "ada@example.eu", "DE89 3704 0044 0532 0130 00"),
            new("c-002", "Grace Hopper", "grace@example.eu", "FR14 2004 1010 0505 0001 3M02 606"),
            new("c-003", "Katherine Johnson", "katherine@example.eu", "NL91 ABNA 0417 1643 00"),
        ];
        foreach (var c in customers) await store.AddAsync(c, ct);
        await output.WriteLineAsync($"Stored {customers.Length} customers in {file}; email and IBAN are envelopes under alias/{Alias}:");
        foreach (var line in await File.ReadAllLinesAsync(file, ct)) await output.WriteLineAsync("  " + (line.Length > 110 ? line[..110] + "..." : line));

        await output.WriteLineAsync("Read back (twice; the second pass comes from the decryption cache):");
        for (int pass = 0; pass < 2; pass++)
        {
            await foreach (var c in store.ReadAllAsync(ct))
                if (pass == 0) await output.WriteLineAsync($"  {c.Id}  {c.Name,-18} {c.Email,-22} {c.Iban}");
        }
        var stats = encryptor.CacheStatistics;
        await output.WriteLineAsync($"Decryption cache: {stats.DecryptHits} hits, {stats.DecryptMisses} misses (server calls).");

        // A field moved to another record does not decrypt: the context binds it to its record and column.
        var stolen = await encryptor.EncryptAsync("ada@example.eu"u8.ToArray(), "alias/" + Alias, RecordStore.Context("c-001", "email"), ct);
        try
        {
            await encryptor.DecryptAsync(stolen, RecordStore.Context("c-002", "email"), ct);
            await output.WriteLineAsync("UNEXPECTED: a field decrypted under another record");
            return 1;
        }
        catch (InvalidCiphertextException)
        {
            await output.WriteLineAsync("A field copied to another record fails to decrypt, as it should.");
        }
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>.custos-dev/env in the current folder or any folder above it (the repository root, typically).</summary>
    private static string? FindDevEnv()
    {
        for (var d = new DirectoryInfo(Environment.CurrentDirectory); d is not null; d = d.Parent)
        {
            var env = Path.Combine(d.FullName, ".custos-dev", "env");
            if (File.Exists(env)) return env;
        }
        return null;
    }
}
