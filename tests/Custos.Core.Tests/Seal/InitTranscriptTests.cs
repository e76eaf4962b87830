using Custos.Core.Seal;

namespace Custos.Core.Tests.Seal;

public sealed class InitTranscriptTests
{
    private static readonly string Fp = new('a', 64);
    private static readonly string Sh = new('b', 64);

    private static InitTranscript Sample() => new("cer_0123456789abcdef", "node 1", new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero).AddTicks(15),
        "shamir", 2, 2, "root-0011223344556677", "tok_8899aabbccddeeff",
        [new TranscriptOperator("alice", Fp, Sh), new TranscriptOperator("bob", Sh, Fp)]);

    [Fact]
    public void Renders_the_documented_lines_and_parses_back()
    {
        var text = Sample().Render();

        Assert.Equal($"""
            custos-init-ceremony-v1
            ceremony cer_0123456789abcdef
            node node 1
            time 2026-12-01T09:00:00.000001Z
            seal shamir
            shares 2
            threshold 2
            root-key root-0011223344556677
            root-token tok_8899aabbccddeeff
            operator alice key-sha256:{Fp} share-sha256:{Sh}
            operator bob key-sha256:{Sh} share-sha256:{Fp}

            """.ReplaceLineEndings("\n"), text);
        var parsed = InitTranscript.Parse(text);
        Assert.NotNull(parsed);
        Assert.Equal(text, parsed.Render());
        Assert.Equal("bob", parsed.Operator("bob")!.Name);
        Assert.Null(parsed.Operator("carol"));
    }

    [Theory]
    [InlineData("\n", "\r\n")]                        // other line ends
    [InlineData("shares 2", "shares 02")]              // non-canonical number
    [InlineData("shares 2", "shares 3")]               // operator count does not match
    [InlineData("custos-init-ceremony-v1", "custos-init-ceremony-v2")]
    [InlineData("ceremony cer_0123456789abcdef", "ceremony cer_0123456789ABCDEF")]
    [InlineData("operator alice", "operator al ice")]
    [InlineData("key-sha256:aaaa", "key-sha256:AAAA")]
    [InlineData("000001Z", "000001+00:00")]
    public void Anything_but_the_canonical_text_is_refused(string from, string to)
    {
        var text = Sample().Render();
        Assert.Contains(from, text, StringComparison.Ordinal);

        Assert.Null(InitTranscript.Parse(text.Replace(from, to, StringComparison.Ordinal)));
    }

    [Fact]
    public void A_missing_final_newline_or_extra_line_is_refused()
    {
        var text = Sample().Render();
        Assert.Null(InitTranscript.Parse(text[..^1]));
        Assert.Null(InitTranscript.Parse(text + "extra 1\n"));
        Assert.Null(InitTranscript.Parse(""));
        Assert.Null(InitTranscript.Parse(null));
    }
}
