namespace Custos.Cli.Tests.Infrastructure;

/// <summary>What a CLI run printed and returned; <see cref="PeakRssBytes"/> when it ran as its own process.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr, long PeakRssBytes = 0)
{
    /// <summary>Asserts success and returns stdout.</summary>
    public string Ok()
    {
        Assert.True(ExitCode == 0, $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}");
        return Stdout;
    }
}
