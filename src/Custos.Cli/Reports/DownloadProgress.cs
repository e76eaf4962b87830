using System.Globalization;

namespace Custos.Cli.Reports;

/// <summary>
/// Progress of a download, as lines on a writer (stderr for the CLI): <c>report residency: 12.5 MB received</c>, at most one
/// per <see cref="Audit.EventProgress.Every"/> and none for a download that ends sooner, so short ones stay quiet.
/// </summary>
public sealed class DownloadProgress(string what, TextWriter output, TimeProvider time) : IProgress<long>
{
    private long _last = time.GetTimestamp();
    private bool _printed;

    /// <summary>Progress to stderr with the system clock.</summary>
    public static DownloadProgress ToStderr(string what) => new(what, Console.Error, TimeProvider.System);

    /// <summary>Notes that <paramref name="value"/> bytes have arrived; prints a line when one is due.</summary>
    public void Report(long value)
    {
        long now = time.GetTimestamp();
        if (time.GetElapsedTime(_last, now) < Audit.EventProgress.Every) return;
        _last = now;
        _printed = true;
        output.WriteLine(Line(value));
    }

    /// <summary>Prints the final size when any progress line was printed.</summary>
    public void Done(long value)
    {
        if (_printed) output.WriteLine(Line(value));
    }

    private string Line(long bytes) => string.Format(CultureInfo.InvariantCulture, "{0}: {1:N1} MB received", what, bytes / 1_000_000.0);
}
