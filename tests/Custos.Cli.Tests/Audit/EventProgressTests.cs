using Custos.Cli.Audit;
using Microsoft.Extensions.Time.Testing;

namespace Custos.Cli.Tests.Audit;

public sealed class EventProgressTests
{
    [Fact]
    public void A_pass_shorter_than_a_second_prints_nothing()
    {
        var time = new FakeTimeProvider();
        using var output = new StringWriter();
        var progress = new EventProgress("audit verify", 5000, output, time);

        for (long n = 1; n <= 5000; n++) progress.Report(n);
        progress.Done(5000);

        Assert.Empty(output.ToString());
    }

    [Fact]
    public void A_long_pass_prints_at_most_a_line_a_second_with_the_share_done_then_the_final_count()
    {
        var time = new FakeTimeProvider();
        using var output = new StringWriter();
        var progress = new EventProgress("audit verify", 1_000_000, output, time);

        for (long n = 1; n <= 1_000_000; n++)
        {
            if (n % 250_000 == 0) time.Advance(TimeSpan.FromMilliseconds(600));
            progress.Report(n);
        }
        progress.Done(1_000_000);

        Assert.Equal(
            ["audit verify: 500,736 of 1,000,000 events (50%)", "audit verify: 1,000,000 of 1,000,000 events (100%)"],
            output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
    }

    [Fact]
    public void Without_a_total_it_prints_the_count()
    {
        var time = new FakeTimeProvider();
        using var output = new StringWriter();
        var progress = new EventProgress("audit verify", 0, output, time);

        time.Advance(TimeSpan.FromSeconds(2));
        progress.Report(2048);

        Assert.Equal("audit verify: 2,048 events", output.ToString().Trim());
    }
}
