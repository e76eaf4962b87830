using System.Diagnostics;
using Custos.Cli.Tests.Infrastructure;
using Custos.Crypto.Threshold;
using Custos.Custodian;

namespace Custos.Cli.Tests.Threshold;

/// <summary>How a custodian seals its shares and guards its key files.</summary>
public sealed class CustodianSealTests
{
    private const string Fingerprint = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    [Fact]
    public void A_sealed_share_opens_only_for_its_own_key_version_group_and_index()
    {
        using var dir = new TempDir();
        SealKeyFile.Create(dir.File("seal.key"));
        using var root = CustodianSeal.FromKey(SealKeyFile.Load(dir.File("seal.key")), "seal.key");
        var scalar = new byte[32];
        scalar[31] = 7;
        using var share = KeyShare.FromScalar(2, scalar);
        var sealedShare = ShareSeal.Seal(root, share, "key-1", 3, Fingerprint);

        Assert.Equal(60, sealedShare.Length);
        using (var opened = ShareSeal.Open(root, sealedShare, "key-1", 3, Fingerprint, 2)) Assert.Equal(scalar, opened!.RevealScalar().ToArray());
        Assert.Null(ShareSeal.Open(root, sealedShare, "key-2", 3, Fingerprint, 2));
        Assert.Null(ShareSeal.Open(root, sealedShare, "key-1", 4, Fingerprint, 2));
        Assert.Null(ShareSeal.Open(root, sealedShare, "key-1", 3, Fingerprint.Replace('0', '1'), 2));
        Assert.Null(ShareSeal.Open(root, sealedShare, "key-1", 3, Fingerprint, 1));
    }

    [Fact]
    public void A_seal_key_file_that_its_group_or_others_can_read_is_refused()
    {
        using var dir = new TempDir();
        var file = dir.File("seal.key");
        SealKeyFile.Create(file);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var e = Assert.Throws<InvalidOperationException>(() => SealKeyFile.Load(file));
        Assert.Contains("can be read or written by its group or others", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => SealKeyFile.Create(file)); // never overwritten
    }

    [Fact]
    public async Task Custodian_serve_refuses_to_start_with_a_world_readable_seal_key_and_says_why()
    {
        using var dir = new TempDir();
        var pki = new TestPki(dir.File("pki"));
        using var node = new CustodianNode(dir.Path, "custodian-x", pki, "DE", CustodianCluster.Servers);
        await node.InitAsync();
        File.SetUnixFileMode(node.SealKeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var psi = new ProcessStartInfo("dotnet", $"\"{Repo.CliDll}\" custodian serve --config \"{node.ConfigFile}\"") { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var stderr = await p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, p.ExitCode);
        Assert.Contains("refusing to use it (chmod 600", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configuration_is_checked_before_anything_starts()
    {
        using var dir = new TempDir();
        var file = dir.File("custodian.json");
        File.WriteAllText(file, """{ "name": "Bad Name", "dataDir": "data" }""");
        Assert.Contains("name 'Bad Name'", Assert.Throws<ArgumentException>(() => CustodianOptions.Load(file)).Message, StringComparison.Ordinal);
        File.WriteAllText(file, """{ "name": "ok", "dataDir": "data", "sealKeyFile": "nope.key" }""");
        Assert.Contains("sealKeyFile", Assert.Throws<ArgumentException>(() => CustodianOptions.Load(file)).Message, StringComparison.Ordinal);
    }
}
