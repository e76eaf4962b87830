using Custos.Core.Ports;
using Custos.Core.Seal;
using Microsoft.Extensions.Logging;

namespace Custos.Core.Service;

/// <summary>
/// Background lifecycle work: destroys keys whose waiting period is over and rotates keys whose
/// rotation period has elapsed. Runs only while unsealed; each key is handled on its own, so one
/// failure does not stop the others.
/// </summary>
public sealed partial class KeyMaintenance(IKeyRepository repository, KeyManagementService management, SealManager seal, TimeProvider time, ILogger<KeyMaintenance> log)
{
    /// <summary>One pass; returns how many keys were destroyed and rotated.</summary>
    public async Task<(int Destroyed, int Rotated)> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (seal.IsSealed) return (0, 0);
        int destroyed = 0, rotated = 0;
        foreach (var id in await repository.ListDueAsync(time.GetUtcNow(), cancellationToken))
        {
            try
            {
                var key = await repository.GetAsync(id, cancellationToken);
                if (key is null) continue;
                var now = time.GetUtcNow();
                if (key.IsDueForDestruction(now))
                {
                    var r = await management.DestroyDueAsync(id, cancellationToken);
                    if (r.IsSuccess && r.Value.State == Keys.KeyState.Destroyed) { destroyed++; LogDestroyed(log, id); }
                    else if (!r.IsSuccess) LogFailed(log, id, r.Error.Message);
                }
                else if (key.IsDueForRotation(now))
                {
                    var r = await management.RotateDueAsync(id, cancellationToken);
                    if (r.IsSuccess) { rotated++; LogRotated(log, id, r.Value.PrimaryVersion); }
                    else LogFailed(log, id, r.Error.Message);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(log, id, e.Message);
            }
        }
        return (destroyed, rotated);
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "key {KeyId} destroyed: its waiting period is over")]
    private static partial void LogDestroyed(ILogger logger, string keyId);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "key {KeyId} rotated automatically to version {Version}")]
    private static partial void LogRotated(ILogger logger, string keyId, int version);

    [LoggerMessage(EventId = 302, Level = LogLevel.Error, Message = "lifecycle work on key {KeyId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string keyId, string reason);
}
