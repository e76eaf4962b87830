using Custos.Core.Access;
using Custos.Core.Ports;
using Custos.Core.Seal;

namespace Custos.Core.Tests.Fakes;

/// <summary>Token, seal and ceremony stores in memory.</summary>
public sealed class InMemoryTokenAndSealRepository(InMemoryAuditLog audit) : ITokenRepository, ISealRepository, ICeremonyRepository
{
    private readonly List<AccessToken> _tokens = [];
    private readonly Dictionary<string, Ceremony> _ceremonies = [];
    private SealConfiguration? _seal;

    public Task InsertAsync(AccessToken token, Custos.Core.Audit.AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        lock (_tokens)
        {
            if (auditEvent is not null) audit.Add(auditEvent);
            _tokens.Add(token);
        }
        return Task.CompletedTask;
    }
    public Task<AccessToken?> FindByHashAsync(byte[] secretHash, CancellationToken cancellationToken) { lock (_tokens) return Task.FromResult(_tokens.FirstOrDefault(t => t.SecretHash.AsSpan().SequenceEqual(secretHash))); }
    public Task<AccessToken?> GetAsync(string id, CancellationToken cancellationToken) { lock (_tokens) return Task.FromResult(_tokens.FirstOrDefault(t => t.Id == id)); }
    public Task<IReadOnlyList<AccessToken>> ListAsync(CancellationToken cancellationToken) { lock (_tokens) return Task.FromResult<IReadOnlyList<AccessToken>>(_tokens.ToList()); }
    public Task<bool> RevokeAsync(string id, DateTimeOffset at, Custos.Core.Audit.AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        lock (_tokens)
        {
            int i = _tokens.FindIndex(t => t.Id == id);
            if (i < 0) return Task.FromResult(false);
            if (auditEvent is not null) audit.Add(auditEvent);
            _tokens[i] = _tokens[i] with { RevokedAt = at };
            return Task.FromResult(true);
        }
    }

    public Task<SealConfiguration?> GetAsync(CancellationToken cancellationToken) => Task.FromResult(_seal);
    public Task<bool> InitializeAsync(SealConfiguration configuration, AccessToken rootToken, Custos.Core.Audit.AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        if (_seal is not null) return Task.FromResult(false);
        if (auditEvent is not null) audit.Add(auditEvent);
        _seal = configuration;
        lock (_tokens) _tokens.Add(rootToken);
        return Task.FromResult(true);
    }

    public Task<bool> InitializeWithCeremonyAsync(SealConfiguration configuration, Ceremony ceremony, Custos.Core.Audit.AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        lock (_tokens)
        {
            if (_seal is not null) return Task.FromResult(false);
            if (auditEvent is not null) audit.Add(auditEvent);
            _seal = configuration;
            _ceremonies[ceremony.Id] = ceremony;
            return Task.FromResult(true);
        }
    }

    Task<Ceremony?> ICeremonyRepository.GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (_tokens) return Task.FromResult(_ceremonies.GetValueOrDefault(id));
    }

    public Task<bool> ConfirmAsync(CeremonyConfirmation confirmation, AccessToken? rootToken, Custos.Core.Audit.AuditEvent? auditEvent, CancellationToken cancellationToken)
    {
        lock (_tokens)
        {
            if (!_ceremonies.TryGetValue(confirmation.CeremonyId, out var c) || c.Status != CeremonyStatus.Pending
                || c.Confirmations != confirmation.ConfirmationsBefore || c.Operators.FirstOrDefault(o => o.Name == confirmation.Operator) is not { Confirmed: false })
                return Task.FromResult(false);
            var operators = c.Operators.Select(o => o.Name == confirmation.Operator ? o with { Signature = confirmation.Signature, ConfirmedAt = confirmation.At } : o).ToList();
            _ceremonies[c.Id] = c with
            {
                Operators = operators,
                Status = confirmation.Completes ? CeremonyStatus.Complete : CeremonyStatus.Pending,
                CompletedAt = confirmation.Completes ? confirmation.At : null,
            };
            if (confirmation.Completes && rootToken is not null) _tokens.Add(rootToken);
            if (auditEvent is not null) audit.Add(auditEvent);
            return Task.FromResult(true);
        }
    }
}
