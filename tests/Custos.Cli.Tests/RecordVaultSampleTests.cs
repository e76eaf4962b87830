using Custos.Cli.Tests.Infrastructure;

namespace Custos.Cli.Tests;

/// <summary>The SDK sample (samples/record-vault) runs against a real `custos dev` from its env file, as its README says.</summary>
public sealed class RecordVaultSampleTests : DevServerTest
{
    [Fact]
    public async Task The_sample_stores_encrypted_fields_and_reads_them_back()
    {
        var output = new StringWriter();
        var data = Dir.File("data");
        int exit = await RecordVault.VaultApp.RunAsync(["--env", Path.Combine(DevDir, "env"), "--data", data], output, TestContext.Current.CancellationToken);
        var text = output.ToString();
        Assert.True(exit == 0, text);

        // On disk: names, but no email or IBAN in the clear.
        var stored = await File.ReadAllTextAsync(Path.Combine(data, "customers.jsonl"), TestContext.Current.CancellationToken);
        Assert.Contains("Ada Lovelace", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("ada@example.eu", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("DE89", stored, StringComparison.Ordinal);
        // Read back, with the second pass served by the decryption cache, and a moved field refused.
        Assert.Contains("grace@example.eu", text, StringComparison.Ordinal);
        Assert.Contains("Decryption cache: 6 hits, 6 misses", text, StringComparison.Ordinal);
        Assert.Contains("fails to decrypt, as it should", text, StringComparison.Ordinal);

        // A second run against the same server reuses the key it made.
        Assert.Equal(0, await RecordVault.VaultApp.RunAsync(["--env", Path.Combine(DevDir, "env"), "--data", data], new StringWriter(), TestContext.Current.CancellationToken));
    }
}
