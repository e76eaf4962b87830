using Custos.Core.Access;
using Custos.Core.Audit;
using Custos.Core.Seal;

namespace Custos.Core.Ports;

/// <summary>
/// Persistence of key ceremonies: transcripts, operators and their signatures. An init ceremony is
/// created with the seal configuration (<see cref="ISealRepository.InitializeWithCeremonyAsync"/>).
/// </summary>
public interface ICeremonyRepository
{
    /// <summary>The ceremony, or null when there is none with that id.</summary>
    Task<Ceremony?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Stores one operator's signature, in one transaction with <paramref name="auditEvent"/>, only if the
    /// ceremony is pending, that operator has not confirmed and exactly
    /// <see cref="CeremonyConfirmation.ConfirmationsBefore"/> others have (so two racing confirmations cannot
    /// both count). When <see cref="CeremonyConfirmation.Completes"/>, it also marks the ceremony complete and
    /// puts <paramref name="rootToken"/> in force. False, and nothing written, when a condition fails.
    /// </summary>
    Task<bool> ConfirmAsync(CeremonyConfirmation confirmation, AccessToken? rootToken, AuditEvent? auditEvent, CancellationToken cancellationToken);
}
