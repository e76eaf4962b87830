namespace Custos.Cli;

/// <summary>A failure to report to the user: one clear line and a non-zero exit code.</summary>
public sealed class CliException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CliException(string message, int exitCode = 1) : base(message) => ExitCode = exitCode;
    /// <summary>Creates the exception.</summary>
    public CliException() : this("failed") { }
    /// <summary>Creates the exception.</summary>
    public CliException(string message) : this(message, 1) { }
    /// <summary>Creates the exception.</summary>
    public CliException(string message, Exception innerException) : base(message, innerException) => ExitCode = 1;

    /// <summary>Process exit code.</summary>
    public int ExitCode { get; }
}
