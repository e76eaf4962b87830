using Custos.Crypto.Transparency;

namespace Custos.Crypto.Tests.Transparency;

public class CheckpointTests
{
    // c2sp.org/tlog-checkpoint example body.
    private const string Example = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

    [Fact]
    public void Parses_and_formats_the_spec_example()
    {
        Assert.True(Checkpoint.TryParse(Example, out var cp));
        Assert.Equal("example.com/behind-the-sofa", cp!.Origin);
        Assert.Equal(20852163, cp.Size);
        Assert.Equal(Convert.FromBase64String("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="), cp.RootHash);
        Assert.Empty(cp.Extensions);
        Assert.Equal(Example, cp.Format());
    }

    [Fact]
    public void Round_trips_extensions_and_the_empty_tree()
    {
        var cp = new Checkpoint("log", 0, MerkleHash.EmptyRoot, ["ext one", "ext2"]);
        Assert.Equal("log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next one\next2\n", cp.Format());
        Assert.True(Checkpoint.TryParse(cp.Format(), out var back));
        Assert.Equal(cp.Format(), back!.Format());
        Assert.Equal(["ext one", "ext2"], back.Extensions);
    }

    [Theory]
    [InlineData("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")]       // missing final newline
    [InlineData("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n")]   // extra newline (empty extension)
    [InlineData("\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]                               // empty origin
    [InlineData("o\n020852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]                              // leading zero
    [InlineData("o\n00\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("o\n+5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]                                    // sign
    [InlineData("o\n-5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("o\n 5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("o\n0x10\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]                                  // non-decimal
    [InlineData("o\n\u0665\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]                                // non-ASCII digit
    [InlineData("o\n99999999999999999999\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]                  // overflow
    [InlineData("o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n")]                                      // unpadded base64
    [InlineData("o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n")]                                     // non-canonical trailing bits
    [InlineData("o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I2AAAA\n")]                                 // 35 bytes
    [InlineData("o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jx\n")]                                         // 30 bytes
    [InlineData("o\n5\n")]                                                                                     // missing root
    [InlineData("o\r\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]                                   // CR
    [InlineData("")]
    public void TryParse_rejects_non_canonical_bodies(string text)
    {
        Assert.False(Checkpoint.TryParse(text, out var cp));
        Assert.Null(cp);
    }

    [Fact]
    public void Constructor_rejects_misuse()
    {
        Assert.Throws<ArgumentException>(() => new Checkpoint("", 1, new byte[32]));
        Assert.Throws<ArgumentException>(() => new Checkpoint("a\nb", 1, new byte[32]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Checkpoint("a", -1, new byte[32]));
        Assert.Throws<ArgumentException>(() => new Checkpoint("a", 1, new byte[31]));
        Assert.Throws<ArgumentException>(() => new Checkpoint("a", 1, new byte[32], [""]));
    }
}
