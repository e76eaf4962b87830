using System.Text.Json;
using System.Text.Json.Serialization;

namespace Custos.Core.Reports;

/// <summary>
/// JSON of residency reports (and of the residency overview): camelCase, no nulls written, unknown or duplicate members and nulls where a value is required
/// refused (so that nothing can be slipped into a report beside what is verified), bytes as base64.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    AllowDuplicateProperties = false,
    WriteIndented = false)]
[JsonSerializable(typeof(ResidencyReport))]
[JsonSerializable(typeof(ReportStatement))]
[JsonSerializable(typeof(ReportFindings))]
[JsonSerializable(typeof(ReportEvidence))]
[JsonSerializable(typeof(ProvenEvent))]
[JsonSerializable(typeof(ResidencyOverview))]
public sealed partial class ReportJson : JsonSerializerContext;
