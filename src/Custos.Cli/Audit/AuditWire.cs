using System.Text.Json;
using System.Text.Json.Serialization;

namespace Custos.Cli.Audit;

// The JSON shapes of an export bundle and of a witness's state (camelCase, bytes as base64); the API's shapes
// are the server's own records (Custos.Server.Api.Rest.Audit.AuditEndpoints). Kept in one file on purpose:
// each is a few fields and they only make sense together.

/// <summary>One line of checkpoints.jsonl.</summary>
internal sealed record CheckpointEntry(long TreeSize, string Note);

/// <summary>One line of events.jsonl.</summary>
internal sealed record EventEntry(long Index, byte[] LeafHash, byte[] Data);

/// <summary>manifest.json of an export bundle.</summary>
internal sealed record BundleManifest(string Format, string Origin, long Since, long Events, long Checkpoints, DateTimeOffset ExportedAt, Dictionary<string, string> Sha256);

/// <summary>state.json of a witness.</summary>
internal sealed record WitnessStateFile(long TreeSize, byte[] RootHash, string? Note);

/// <summary>Source-generated JSON for the audit wire records.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CheckpointEntry))]
[JsonSerializable(typeof(EventEntry))]
[JsonSerializable(typeof(BundleManifest))]
[JsonSerializable(typeof(WitnessStateFile))]
internal sealed partial class AuditWireJson : JsonSerializerContext;
