using Custos.Core.Access;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Service;

namespace Custos.Server.Api.Rest.Keys;

/// <summary>
/// POST /v1/keys/{key}/rotate, /enable, /disable, /schedule-destruction (<c>{"pendingDays": n}</c>, 7 to 30,
/// default 30) and /cancel-destruction: lifecycle transitions; each answers with the key after the change.
/// </summary>
public static class KeyTransitions
{
    /// <summary>Body of schedule-destruction.</summary>
    public sealed record ScheduleDestructionRequest(int? PendingDays = null);

    /// <summary>Maps the routes.</summary>
    public static void Map(RouteGroupBuilder keys)
    {
        Transition(keys, "rotate", "Rotate a key: a new primary version; older versions still decrypt", (s, p, k, ct) => s.RotateAsync(p, k, ct));
        Transition(keys, "enable", "Enable a disabled key", (s, p, k, ct) => s.EnableAsync(p, k, ct));
        Transition(keys, "disable", "Disable a key: no use until enabled", (s, p, k, ct) => s.DisableAsync(p, k, ct));
        Transition(keys, "cancel-destruction", "Cancel a scheduled destruction", (s, p, k, ct) => s.CancelDestructionAsync(p, k, ct));
        KeyRoute.Map(keys, "POST", "/schedule-destruction", ScheduleDestruction).Configure(b => b
            .WithSummary("Schedule destruction after 7 to 30 days (default 30)")
            .Accepts<ScheduleDestructionRequest>("application/json")
            .Produces<KeyResponse>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409));
    }

    private static void Transition(RouteGroupBuilder keys, string action, string summary,
        Func<KeyManagementService, Principal, string, CancellationToken, Task<Result<ManagedKey>>> change)
    {
        KeyRoute.Map(keys, "POST", "/" + action,
                async (KeyRoute key, HttpContext http, KeyManagementService service, CancellationToken ct) =>
                    (await change(service, http.Principal(), key.Reference, ct)).ToHttp(KeyResponse.From))
            .Configure(b => b.WithSummary(summary).Produces<KeyResponse>().ProducesProblem(404).ProducesProblem(409));
    }

    private static async Task<IResult> ScheduleDestruction(KeyRoute key, HttpContext http, KeyManagementService keys, CancellationToken ct)
    {
        var body = await RequestBody.ReadOptionalAsync(http, ApiJsonContext.Default.ScheduleDestructionRequest, ct);
        if (!body.IsSuccess) return ProblemMapper.ToResult(body.Error);
        var days = body.Value?.PendingDays ?? ManagedKey.DefaultPendingDays;
        return (await keys.ScheduleDestructionAsync(http.Principal(), key.Reference, days, ct)).ToHttp(KeyResponse.From);
    }
}
