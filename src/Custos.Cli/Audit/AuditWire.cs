using System.Text.Json;
using System.Text.Json.Serialization;

namespace Custos.Cli.Audit;

// The JSON shapes of the audit API (camelCase, bytes as base64) and of an export bundle. They are internal
// wire records kept in one file on purpose: each is a few fields and they only make sense together.

/// <summary>GET /v1/audit/checkpoint.</summary>
internal sealed record CheckpointResponse(string Note, long TreeSize, byte[] RootHash, string Origin, string VerifierKey);

/// <summary>One entry of GET /v1/audit/checkpoints, and one line of checkpoints.jsonl.</summary>
internal sealed record CheckpointEntry(long TreeSize, string Note);

/// <summary>GET /v1/audit/checkpoints.</summary>
internal sealed record CheckpointPage(List<CheckpointEntry> Checkpoints, long? Next);

/// <summary>One entry of GET /v1/audit/events (its "event" member is not needed), and one line of events.jsonl.</summary>
internal sealed record EventEntry(long Index, byte[] LeafHash, byte[] Data);

/// <summary>GET /v1/audit/events.</summary>
internal sealed record EventPage(List<EventEntry> Events, long? Next);

/// <summary>GET /v1/audit/consistency.</summary>
internal sealed record ConsistencyResponse(long From, long To, List<byte[]> Proof);

/// <summary>POST /v1/audit/cosignatures.</summary>
internal sealed record CosignatureRequest(string Note);

/// <summary>manifest.json of an export bundle.</summary>
internal sealed record BundleManifest(string Format, string Origin, long Since, long Events, long Checkpoints, DateTimeOffset ExportedAt, Dictionary<string, string> Sha256);

/// <summary>state.json of a witness.</summary>
internal sealed record WitnessStateFile(long TreeSize, byte[] RootHash, string? Note);

/// <summary>Source-generated JSON for the audit wire records.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CheckpointResponse))]
[JsonSerializable(typeof(CheckpointPage))]
[JsonSerializable(typeof(CheckpointEntry))]
[JsonSerializable(typeof(EventEntry))]
[JsonSerializable(typeof(EventPage))]
[JsonSerializable(typeof(ConsistencyResponse))]
[JsonSerializable(typeof(CosignatureRequest))]
[JsonSerializable(typeof(BundleManifest))]
[JsonSerializable(typeof(WitnessStateFile))]
internal sealed partial class AuditWireJson : JsonSerializerContext;
