using System.Text;
using Custos.Core.Audit;
using Custos.Threshold.Protocol;

namespace Custos.Custodian.Api;

/// <summary>
/// The custodian's audit log, read-only to the servers it trusts: <c>GET /audit/events?after=N&amp;limit=M</c> (leaves
/// in order, each the event's canonical JSON as hashed) and <c>GET /audit/checkpoint</c> (a signed checkpoint).
/// </summary>
internal static class AuditEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/audit/events", async (HttpContext http, IAuditStore store, long? after, int? limit) =>
        {
            int take = Math.Clamp(limit ?? 100, 1, 1000);
            var page = await store.ReadAsync(new AuditQuery(After: after ?? -1, Limit: take), http.RequestAborted);
            return Results.Json(new AuditEventsResponse([.. page.Leaves.Select(l => new AuditLeafResponse(l.Index, Encoding.UTF8.GetString(l.Data)))], page.Next),
                CustodianJson.Default.AuditEventsResponse);
        });
        group.MapGet("/audit/checkpoint", async (HttpContext http, CustodianCheckpointer checkpointer) =>
        {
            var (checkpoint, verifierKey) = await checkpointer.CheckpointAsync(http.RequestAborted);
            return Results.Json(new CheckpointResponse(checkpoint.TreeSize, checkpoint.Note, verifierKey), CustodianJson.Default.CheckpointResponse);
        });
    }
}
