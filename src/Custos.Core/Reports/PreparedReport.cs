using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Custos.Core.Reports;

/// <summary>
/// A residency report ready to be written: statement, findings and the proofs of the attestation and register events are
/// made; the key's events are read again page by page and proven as they are written, so a long history is never held
/// in memory. Writes the JSON of <see cref="ResidencyReport"/> (indented), members in its order, events last.
/// </summary>
public sealed class PreparedReport
{
    private static readonly JsonEncodedText FormatName = JsonEncodedText.Encode("format");
    private static readonly JsonEncodedText StatementName = JsonEncodedText.Encode("statement");
    private static readonly JsonEncodedText FindingsName = JsonEncodedText.Encode("findings");
    private static readonly JsonEncodedText EvidenceName = JsonEncodedText.Encode("evidence");
    private static readonly JsonEncodedText CheckpointName = JsonEncodedText.Encode("checkpoint");
    private static readonly JsonEncodedText VerifierKeyName = JsonEncodedText.Encode("verifierKey");
    private static readonly JsonEncodedText TreeSizeName = JsonEncodedText.Encode("treeSize");
    private static readonly JsonEncodedText RootHashName = JsonEncodedText.Encode("rootHash");
    private static readonly JsonEncodedText AttestationName = JsonEncodedText.Encode("attestation");
    private static readonly JsonEncodedText RegisterEventsName = JsonEncodedText.Encode("registerEvents");
    private static readonly JsonEncodedText EventsName = JsonEncodedText.Encode("events");

    private readonly ReportEvidence _head;
    private readonly Func<CancellationToken, IAsyncEnumerable<ProvenEvent>> _events;

    /// <summary>
    /// A report of <paramref name="statement"/> and <paramref name="findings"/>, whose evidence is <paramref name="head"/> (its
    /// <see cref="ReportEvidence.Events"/> ignored) with the key's events from <paramref name="events"/>, in index order.
    /// </summary>
    public PreparedReport(ReportStatement statement, ReportFindings findings, ReportEvidence head, Func<CancellationToken, IAsyncEnumerable<ProvenEvent>> events)
    {
        (Statement, Findings, _head, _events) = (statement, findings, head, events);
    }

    /// <summary>What the server states.</summary>
    public ReportStatement Statement { get; }

    /// <summary>What the events show.</summary>
    public ReportFindings Findings { get; }

    /// <summary>The report's attestation event index.</summary>
    public long AttestationIndex => _head.Attestation.Index;

    /// <summary>
    /// Writes the report to <paramref name="stream"/>; the events are read and proven as they are written. The JSON is written
    /// into a buffer that is copied to the stream asynchronously after each part (a response body refuses synchronous writes).
    /// </summary>
    public async Task WriteAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        // Indented and without needless \u escapes, so that people can read it: a report is a file to read, never embedded in HTML.
        await using var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString(FormatName, ResidencyReport.FormatName);
        w.WritePropertyName(StatementName);
        JsonSerializer.Serialize(w, Statement, ReportJson.Default.ReportStatement);
        w.WritePropertyName(FindingsName);
        JsonSerializer.Serialize(w, Findings, ReportJson.Default.ReportFindings);
        await DrainAsync();
        w.WritePropertyName(EvidenceName);
        w.WriteStartObject();
        w.WriteString(CheckpointName, _head.Checkpoint);
        w.WriteString(VerifierKeyName, _head.VerifierKey);
        w.WriteNumber(TreeSizeName, _head.TreeSize);
        w.WriteBase64String(RootHashName, _head.RootHash);
        w.WritePropertyName(AttestationName);
        JsonSerializer.Serialize(w, _head.Attestation, ReportJson.Default.ProvenEvent);
        w.WriteStartArray(RegisterEventsName);
        foreach (var e in _head.RegisterEvents) JsonSerializer.Serialize(w, e, ReportJson.Default.ProvenEvent);
        w.WriteEndArray();
        w.WriteStartArray(EventsName);
        await foreach (var e in _events(cancellationToken).WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(w, e, ReportJson.Default.ProvenEvent);
            if (buffer.WrittenCount >= 48 * 1024) await DrainAsync();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        await DrainAsync();
        await stream.FlushAsync(cancellationToken);

        async Task DrainAsync()
        {
            w.Flush(); // into the buffer, not the stream
            await stream.WriteAsync(buffer.WrittenMemory, cancellationToken);
            buffer.ResetWrittenCount();
        }
    }
}
