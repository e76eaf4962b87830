using Custos.Core.Seal;

namespace Custos.Core.Ports;

/// <summary>Persistence of the one seal configuration of a Custos deployment.</summary>
public interface ISealRepository
{
    /// <summary>The configuration, or null when Custos is not initialised.</summary>
    Task<SealConfiguration?> GetAsync(CancellationToken cancellationToken);

    /// <summary>Stores the configuration and the root token together, in one transaction;
    /// false (and nothing written) when a configuration exists already.</summary>
    Task<bool> InitializeAsync(SealConfiguration configuration, Access.AccessToken rootToken, CancellationToken cancellationToken) =>
        InitializeAsync(configuration, rootToken, null, cancellationToken);

    /// <summary>As above, with the audit event of the initialisation in the same transaction.</summary>
    Task<bool> InitializeAsync(SealConfiguration configuration, Access.AccessToken rootToken, Audit.AuditEvent? auditEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the configuration (whose <see cref="SealConfiguration.CeremonyId"/> names <paramref name="ceremony"/>)
    /// and the pending init ceremony, with the audit event, in one transaction. The root token is not stored:
    /// the ceremony holds its record until it completes. False (and nothing written) when a configuration exists already.
    /// </summary>
    Task<bool> InitializeWithCeremonyAsync(SealConfiguration configuration, Ceremony ceremony, Audit.AuditEvent? auditEvent, CancellationToken cancellationToken);
}
