using Custos.Core.Audit;
using Custos.Core.Residency;

namespace Custos.Core.Ports;

/// <summary>Persistence of the legal register: one entry per provider, each change with its audit event in one transaction.</summary>
public interface IProviderRepository
{
    /// <summary>Every entry, by id.</summary>
    Task<IReadOnlyList<RegisteredProvider>> ListAsync(CancellationToken cancellationToken);

    /// <summary>One entry, or null.</summary>
    Task<RegisteredProvider?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the entry <see cref="Provider.Id"/>, writing <paramref name="auditEvent"/> in the same transaction; true when it was created.</summary>
    Task<bool> PutAsync(Provider provider, string updatedBy, DateTimeOffset at, AuditEvent? auditEvent, CancellationToken cancellationToken);

    /// <summary>Deletes an entry with its audit event in one transaction; false (and nothing written) when there was none.</summary>
    Task<bool> DeleteAsync(string id, AuditEvent? auditEvent, CancellationToken cancellationToken);
}
