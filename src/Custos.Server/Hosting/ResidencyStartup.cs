using Custos.Core.Access;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Residency;
using Custos.Core.Service;

namespace Custos.Server.Hosting;

/// <summary>
/// The residency check at start, before anything is served: every location this node declares must name a provider
/// of the legal register (unless the register is still empty: a new installation fills it through the running
/// server), and no stored key may be out of residency policy with this configuration — a changed location, keystore or
/// register entry that would strand a key stops the start, naming the keys and rules. <c>--allow-stranded-keys</c>
/// starts anyway (the stranded keys stay refused, each is logged and audited) so that the other keys keep working and
/// officers can fix the policy or register through the API. In dev mode it first puts dev mode's placeholder entries
/// for the node's operator (<see cref="DevMode.DevProviderId"/>) and for threshold custodians' operators not in the register.
/// </summary>
public sealed partial class ResidencyStartup(
    ServerOptions options, ResidencyCompliance compliance, LegalRegister register, RegisterService registerService,
    AuditRecorder audit, ILogger<ResidencyStartup> log) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.DevMode && options.Location is { Operator: DevMode.DevProviderId } dev)
            await registerService.EnsureAsync(DevMode.DevProvider(dev.Operator, dev.Country), cancellationToken);
        if (options.DevMode)
        {
            // Custodians' operators too, each headquartered where its custodian is, so that a dev server can try threshold
            // custody without a register; a real server refuses to start until they are registered (below).
            var known = await register.GetAsync(cancellationToken);
            foreach (var custodian in compliance.Locations.Custodians().Where(c => !known.ContainsKey(c.Location.Operator)).DistinctBy(c => c.Location.Operator))
                await registerService.EnsureAsync(DevMode.DevCustodianProvider(custodian.Location.Operator, custodian.Location.Country), cancellationToken);
        }
        if (options.Location is null) LogNoLocation(log, options.NodeName);
        var providers = await register.GetAsync(cancellationToken);
        if (compliance.UnknownOperators(providers) is { Count: > 0 } unknown)
        {
            if (providers.Count > 0)
                throw new InvalidOperationException($"residency: {string.Join("; ", unknown)}; add it with 'custos register put' (or fix the location) before starting with this configuration");
            foreach (var problem in unknown) LogEmptyRegister(log, problem);
        }
        var violations = await compliance.FindViolationsAsync(cancellationToken);
        if (violations.Count == 0) return;
        var summary = ResidencyCompliance.Summarize(violations);
        var count = ResidencyCompliance.KeyCount(violations);
        if (!options.AllowStrandedKeys)
            throw new InvalidOperationException($"residency: with this configuration {count} stored key(s) would be out of residency policy: {summary}. "
                + "Restore the location or register entry, or change the policy, or start with --allow-stranded-keys to serve the other keys (these stay refused)");
        LogStranded(log, count, summary);
        foreach (var byKey in violations.GroupBy(v => v.KeyId))
        {
            var auditEvent = audit.Event(Principal.System, "residency.stranded", byKey.Key, null, new CustosError(ErrorCode.ResidencyViolation, ""));
            await audit.RecordAsync(Principal.System, auditEvent, cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "node '{Node}' declares no location: keys with residency requirements cannot be created or used here (add a \"location\" section)")]
    private static partial void LogNoLocation(ILogger logger, string node);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "residency: {Problem}; the legal register is empty, so Custos starts: add the entry with 'custos register put' (until then keys with legal-exposure or provider requirements are refused)")]
    private static partial void LogEmptyRegister(ILogger logger, string problem);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "residency: started with --allow-stranded-keys; {Count} key(s) are out of residency policy and refused until the configuration, register or policy is fixed: {Summary}")]
    private static partial void LogStranded(ILogger logger, int count, string summary);
}
