using System.Text.Json;
using System.Text.Json.Serialization;

namespace Custos.Client.Http;

// The REST bodies the SDK sends and reads (docs: the server's DataPlane endpoints). Unknown members in answers
// are ignored, so newer servers can add members; secrets arrive as base64 byte arrays that the caller zeroes.

internal sealed record GenerateDataKeyRequest(IReadOnlyDictionary<string, string>? EncryptionContext, int NumberOfBytes);

internal sealed record EncryptRequest(byte[] Plaintext, IReadOnlyDictionary<string, string>? EncryptionContext);

internal sealed record DecryptRequest(byte[] CiphertextBlob, IReadOnlyDictionary<string, string>? EncryptionContext);

internal sealed class LeaseBody
{
    public bool Allowed { get; set; }
    public int MaxAgeSeconds { get; set; }
    public long MaxMessages { get; set; }
    public long MaxBytes { get; set; }
}

internal sealed class KeyAnswer
{
    public byte[]? Plaintext { get; set; }
    public byte[]? CiphertextBlob { get; set; }
    public string? KeyId { get; set; }
    public int KeyVersion { get; set; }
    public LeaseBody? DataKeyLease { get; set; }
}

internal sealed class ProblemBody
{
    public string? Type { get; set; }
    public string? Title { get; set; }
    public string? Detail { get; set; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GenerateDataKeyRequest))]
[JsonSerializable(typeof(EncryptRequest))]
[JsonSerializable(typeof(DecryptRequest))]
[JsonSerializable(typeof(KeyAnswer))]
[JsonSerializable(typeof(ProblemBody))]
internal sealed partial class WireJson : JsonSerializerContext;
