using Custos.Core.Access;
using Custos.Core.Errors;

namespace Custos.Core.Tests.Access;

public sealed class JustificationTests
{
    [Fact]
    public void No_header_is_no_justification()
    {
        var r = Justification.Parse(null);
        Assert.True(r.IsSuccess);
        Assert.Null(r.Value);
    }

    [Theory]
    [InlineData("scheduled-job", "scheduled-job", null)]
    [InlineData("  emergency  ", "emergency", null)]
    [InlineData("Legal-Request", "legal-request", null)]
    [InlineData("customer-initiated-support; Case 12345", "customer-initiated-support", "Case 12345")]
    [InlineData("backup-restore;nightly; second part", "backup-restore", "nightly; second part")]
    [InlineData("data-migration;   ", "data-migration", null)]
    public void A_published_code_with_optional_text_is_read(string header, string code, string? text)
    {
        var r = Justification.Parse(header);
        Assert.True(r.IsSuccess, r.Error?.Message);
        Assert.Equal(new Justification(code, text), r.Value);
    }

    [Fact]
    public void Every_published_code_parses_and_round_trips_through_the_header()
    {
        foreach (var c in Justification.Codes)
        {
            Assert.False(string.IsNullOrWhiteSpace(c.Description));
            var j = new Justification(c.Code, "ref 1");
            Assert.Equal(j, Justification.Parse(j.ToHeaderValue()).Value);
        }
        Assert.Equal(Justification.Codes.Count, Justification.Codes.Select(c => c.Code).Distinct().Count());
    }

    [Theory]
    [InlineData("because-i-said-so")]
    [InlineData("scheduled job")]
    [InlineData("scheduled-job,emergency")] // two headers arrive joined by a comma
    public void An_unknown_code_is_refused_listing_the_published_codes(string header)
    {
        var r = Justification.Parse(header);
        Assert.False(r.IsSuccess);
        Assert.Equal(ErrorCode.ValidationFailed, r.Error.Code);
        Assert.Contains("not a published justification code", r.Error.Message, StringComparison.Ordinal);
        foreach (var c in Justification.Codes) Assert.Contains(c.Code, r.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("; just text")]
    public void An_empty_code_is_refused(string header)
    {
        var r = Justification.Parse(header);
        Assert.False(r.IsSuccess);
        Assert.Contains("empty", r.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_longer_than_256_characters_is_refused()
    {
        Assert.True(Justification.Parse("other; " + new string('x', 256)).IsSuccess);
        var r = Justification.Parse("other; " + new string('x', 257));
        Assert.False(r.IsSuccess);
        Assert.Contains("at most 256", r.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("emergency; line\nbreak")]
    [InlineData("emergency; tab\there")]
    [InlineData("emergency; nul\0")]
    [InlineData("emergency; bell\u0007")]
    [InlineData("emergency; del\u007f")]
    [InlineData("emergency; caf\u00e9")]
    public void Control_and_non_ascii_characters_in_the_text_are_refused(string header)
    {
        var r = Justification.Parse(header);
        Assert.False(r.IsSuccess);
        Assert.Contains("printable ASCII", r.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_code_is_echoed_back_only_in_a_short_printable_form()
    {
        var r = Justification.Parse("evil\u001b[31m" + new string('a', 100));
        Assert.False(r.IsSuccess);
        Assert.DoesNotContain('\u001b', r.Error.Message);
        Assert.DoesNotContain(new string('a', 50), r.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_needs_a_text()
    {
        Assert.False(Justification.Parse("other").IsSuccess);
        Assert.Equal(new Justification("other", "rotating a test fixture"), Justification.Parse("other; rotating a test fixture").Value);
    }
}
