using Custos.Core.Service;

namespace Custos.Server.Hosting;

/// <summary>Runs <see cref="KeyMaintenance"/> at start and then every <see cref="ServerOptions.MaintenanceIntervalSeconds"/>.</summary>
public sealed partial class MaintenanceService(KeyMaintenance maintenance, ServerOptions options, TimeProvider time, ILogger<MaintenanceService> log) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.MaintenanceIntervalSeconds), time);
        do
        {
            try
            {
                await maintenance.RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(log, e.GetType().Name, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Error, Message = "lifecycle maintenance failed: {Type}: {Message}")]
    private static partial void LogFailed(ILogger logger, string type, string message);
}
