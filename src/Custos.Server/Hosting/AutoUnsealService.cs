using Custos.Core.Seal;

namespace Custos.Server.Hosting;

/// <summary>
/// At start, a server whose seal type is <c>hsm</c> has the HSM unwrap its root key and unseals
/// itself. If that fails (the HSM key is gone, another token is configured), the server still starts,
/// sealed, and says why: the recovery shares unseal it.
/// </summary>
public sealed partial class AutoUnsealService(SealManager seal, ILogger<AutoUnsealService> log) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var result = await seal.AutoUnsealAsync(cancellationToken);
        if (!result.IsSuccess) LogFailed(log, result.Error.Message);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 110, Level = LogLevel.Error, Message = "automatic unseal failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
