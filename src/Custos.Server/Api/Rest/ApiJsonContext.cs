using System.Text.Json;
using System.Text.Json.Serialization;
using Custos.Server.Api.Rest.DataPlane;
using Custos.Server.Api.Rest.Keys;
using Custos.Server.Api.Rest.Sys;
using Custos.Server.Api.Rest.Tokens;
using Microsoft.AspNetCore.Mvc;

namespace Custos.Server.Api.Rest;

/// <summary>Source-generated JSON for every REST body: camelCase, unknown and duplicate members refused.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(CreateKey.Request), TypeInfoPropertyName = "CreateKeyRequest")]
[JsonSerializable(typeof(UpdateKey.Request), TypeInfoPropertyName = "UpdateKeyRequest")]
[JsonSerializable(typeof(KeyTransitions.ScheduleDestructionRequest))]
[JsonSerializable(typeof(ReshareKey.Request), TypeInfoPropertyName = "ReshareKeyRequest")]
[JsonSerializable(typeof(KeyResponse))]
[JsonSerializable(typeof(KeyListResponse))]
[JsonSerializable(typeof(GenerateDataKey.Request), TypeInfoPropertyName = "GenerateDataKeyRequest")]
[JsonSerializable(typeof(GenerateDataKey.Response), TypeInfoPropertyName = "GenerateDataKeyResponse")]
[JsonSerializable(typeof(Encrypt.Request), TypeInfoPropertyName = "EncryptRequest")]
[JsonSerializable(typeof(Encrypt.Response), TypeInfoPropertyName = "EncryptResponse")]
[JsonSerializable(typeof(Decrypt.Request), TypeInfoPropertyName = "DecryptRequest")]
[JsonSerializable(typeof(Decrypt.Response), TypeInfoPropertyName = "DecryptResponse")]
[JsonSerializable(typeof(Rewrap.Request), TypeInfoPropertyName = "RewrapRequest")]
[JsonSerializable(typeof(Rewrap.Response), TypeInfoPropertyName = "RewrapResponse")]
[JsonSerializable(typeof(Health.Response), TypeInfoPropertyName = "HealthResponse")]
[JsonSerializable(typeof(Init.Request), TypeInfoPropertyName = "InitRequest")]
[JsonSerializable(typeof(Init.Response), TypeInfoPropertyName = "InitResponse")]
[JsonSerializable(typeof(Unseal.Request), TypeInfoPropertyName = "UnsealRequest")]
[JsonSerializable(typeof(Ceremonies.GetCeremony.Response), TypeInfoPropertyName = "GetCeremonyResponse")]
[JsonSerializable(typeof(Ceremonies.ConfirmCeremony.Request), TypeInfoPropertyName = "ConfirmCeremonyRequest")]
[JsonSerializable(typeof(TokenEndpoints.CreateRequest), TypeInfoPropertyName = "CreateRequest")]
[JsonSerializable(typeof(TokenEndpoints.TokenResponse), TypeInfoPropertyName = "TokenResponse")]
[JsonSerializable(typeof(TokenEndpoints.ListResponse), TypeInfoPropertyName = "TokenListResponse")]
[JsonSerializable(typeof(Audit.AuditEndpoints.CheckpointResponse))]
[JsonSerializable(typeof(Audit.AuditEndpoints.CheckpointsResponse))]
[JsonSerializable(typeof(Audit.AuditEndpoints.EventsResponse))]
[JsonSerializable(typeof(Audit.AuditEndpoints.ProofResponse))]
[JsonSerializable(typeof(Audit.AuditEndpoints.ConsistencyResponse))]
[JsonSerializable(typeof(Audit.AuditEndpoints.CosignatureRequest), TypeInfoPropertyName = "CosignatureRequest")]
[JsonSerializable(typeof(Policy.PolicyEndpoints.ProposeRequest), TypeInfoPropertyName = "ProposeRequest")]
[JsonSerializable(typeof(Policy.PolicyEndpoints.PolicyResponse), TypeInfoPropertyName = "PolicyResponse")]
[JsonSerializable(typeof(Policy.PolicyEndpoints.PolicyListResponse), TypeInfoPropertyName = "PolicyListResponse")]
[JsonSerializable(typeof(Policy.PolicyEndpoints.ExplainRequest), TypeInfoPropertyName = "ExplainRequest")]
[JsonSerializable(typeof(Policy.PolicyEndpoints.ExplainResponse), TypeInfoPropertyName = "ExplainResponse")]
[JsonSerializable(typeof(Register.ProviderEndpoints.ProviderResponse), TypeInfoPropertyName = "ProviderResponse")]
[JsonSerializable(typeof(Register.ProviderEndpoints.ProviderListResponse), TypeInfoPropertyName = "ProviderListResponse")]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
[JsonSerializable(typeof(Access.ListJustifications.Response), TypeInfoPropertyName = "JustificationsResponse")]
[JsonSerializable(typeof(Approvals.ApprovalEndpoints.DecideRequest), TypeInfoPropertyName = "DecideRequest")]
[JsonSerializable(typeof(Approvals.ApprovalResponse))]
[JsonSerializable(typeof(Approvals.ApprovalListResponse))]
[JsonSerializable(typeof(Approvals.GrantResponse))]
[JsonSerializable(typeof(Approvals.GrantListResponse))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
