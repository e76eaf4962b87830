using Custos.Core.Audit;

namespace Custos.Server.Hosting;

/// <summary>Signs a checkpoint of the audit log every 10 seconds while events arrive (and while unsealed).</summary>
public sealed partial class CheckpointService(AuditCheckpointer checkpointer, TimeProvider time, ILogger<CheckpointService> log) : BackgroundService
{
    /// <summary>How often.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try { await checkpointer.CheckpointAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException) { LogFailed(log, e.Message); }
        }
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Error, Message = "audit checkpoint failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
