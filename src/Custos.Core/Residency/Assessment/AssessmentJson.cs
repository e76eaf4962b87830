using System.Text.Json;
using System.Text.Json.Serialization;

namespace Custos.Core.Residency.Assessment;

/// <summary>JSON of an assessment (<c>custos assess --json</c>): camelCase, no nulls written.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(CustodyAssessment))]
public sealed partial class AssessmentJson : JsonSerializerContext;
