using Custos.Core.Audit;
using Custos.Core.Keys;

namespace Custos.Core.Reports;

/// <summary>
/// Derives a residency report's findings from the key's events, one event at a time in index order, keeping only counts,
/// the versions' events and the refusals (so a server can page through a long log). The same code runs on the server and in
/// the verifier, so the findings a report states can be recomputed exactly. Pure: no I/O, no clock.
/// </summary>
public sealed class FindingsBuilder(string keyId)
{
    private static readonly HashSet<string> Making = new(StringComparer.Ordinal) { "key.create", "key.rotate", "key.auto-rotate" };

    private readonly Dictionary<int, Indexed> _made = [];
    private readonly Dictionary<int, List<Indexed>> _dealt = []; // threshold versions: the events that dealt their shares, in order
    private readonly Dictionary<string, GroupTally> _byPrincipal = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GroupTally> _byJustification = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GroupTally> _byCountry = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OperationTally> _other = new(StringComparer.Ordinal);
    private readonly List<Refusal> _refusals = [];
    private Indexed? _destroyed;
    private long _last = -1;
    private long _allowed, _denied, _failed, _events;

    /// <summary>The key the events are about.</summary>
    public string KeyId => keyId;

    /// <summary>Events added.</summary>
    public long Count => _events;

    /// <summary>The operators named by the locations of the versions' events, each once, in order.</summary>
    public IReadOnlyList<string> Operators =>
        [.. _made.Values.Select(m => m.Event.Location?.Operator).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Adds the next event of the key; throws when it is not about the key or not after the previous one (the caller checks both first).</summary>
    public void Add(long index, AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (index <= _last) throw new ArgumentException($"event {index} does not come after event {_last}", nameof(index));
        if (e.KeyId != keyId) throw new ArgumentException($"event {index} is about key '{e.KeyId}', not {keyId}", nameof(e));
        _last = index;
        _events++;
        bool allowed = e.Outcome == AuditOutcome.Allowed;
        if (allowed && Making.Contains(e.Operation) && e.KeyVersion is int v) _made.TryAdd(v, new Indexed(index, e));
        if (allowed && (Making.Contains(e.Operation) || e.Operation == "key.reshare") && e.KeyVersion is int dealtVersion
            && e.Threshold?.Custodians.Any(c => c.Result == "share") == true)
            (_dealt.TryGetValue(dealtVersion, out var dealt) ? dealt : _dealt[dealtVersion] = []).Add(new Indexed(index, e));
        if (allowed && e.Operation == "key.destroy") _destroyed ??= new Indexed(index, e);
        if (!IsAccess(e.Operation))
        {
            (_other.TryGetValue(e.Operation, out var t) ? t : _other[e.Operation] = new OperationTally(e.Time)).Add(e.Time);
            return;
        }
        switch (e.Outcome)
        {
            case AuditOutcome.Allowed: _allowed++; break;
            case AuditOutcome.Denied: _denied++; break;
            default: _failed++; break;
        }
        Tally(_byPrincipal, e.Principal, e);
        Tally(_byJustification, e.Justification, e);
        Tally(_byCountry, e.NodeCountry, e).Nodes.Add(e.Node);
        if (!allowed)
        {
            _refusals.Add(new Refusal
            {
                Index = index, Time = e.Time, Principal = e.Principal, Operation = e.Operation, Outcome = AuditEvent.Name(e.Outcome),
                ErrorCode = e.ErrorCode, Policy = e.Policy, Justification = e.Justification, NodeCountry = e.NodeCountry, KeyVersion = e.KeyVersion,
            });
        }
    }

    /// <summary>
    /// The findings, for the report whose statement is <paramref name="statement"/> and whose attestation event
    /// (<paramref name="attestationIndex"/>) was written at <paramref name="reportTime"/>: versions still held are counted until then.
    /// </summary>
    public ReportFindings Complete(ReportStatement statement, long attestationIndex, DateTimeOffset reportTime)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var requirements = statement.Requirements;
        var numbers = statement.Key.Versions.Select(v => v.Number).Concat(_made.Keys).Distinct().Order().ToList();
        var versions = new List<VersionFinding>(numbers.Count);
        foreach (int n in numbers)
        {
            var made = _made.GetValueOrDefault(n);
            var next = numbers.Where(x => x > n && _made.ContainsKey(x)).Select(x => (DateTimeOffset?)_made[x].Event.Time).FirstOrDefault();
            var location = made?.Event.Location is { } l
                ? new MaterialLocation { Keystore = l.Keystore, Country = l.Country, Region = l.Region, Operator = l.Operator, CompellableBy = l.CompellableBy }
                : null;
            var from = made?.Event.Time;
            var until = _destroyed?.Event.Time ?? reportTime;
            versions.Add(new VersionFinding
            {
                Number = n,
                Created = made is null ? null : Ref(made.Index, made.Event),
                Location = location,
                OutsideAllowed = location is null ? [] : Outside(location, requirements),
                From = from,
                Until = until,
                StillHeld = _destroyed is null,
                PrimaryUntil = next,
                Seconds = from is { } f ? (long)Math.Floor((until - f).TotalSeconds) : null,
                Evidence = made?.Event.Evidence,
                Shares = _dealt.TryGetValue(n, out var dealt) ? Shares(dealt, until, requirements) : null,
            });
        }

        return new ReportFindings
        {
            Versions = versions,
            Destroyed = _destroyed is null ? null : Ref(_destroyed.Index, _destroyed.Event),
            Access = new AccessSummary
            {
                Total = _allowed + _denied + _failed, Allowed = _allowed, Denied = _denied, Failed = _failed,
                ByPrincipal = Rows(_byPrincipal, byCountry: false, null),
                ByJustification = Rows(_byJustification, byCountry: false, null),
                ByNodeCountry = Rows(_byCountry, byCountry: true, requirements.AllowedJurisdictions),
            },
            OtherEvents = [.. _other.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => new OperationCount(o.Key, o.Value.Count, o.Value.First, o.Value.Last))],
            Refusals = _refusals,
            Provenance = Provenance(statement, versions, attestationIndex),
        };
    }

    /// <summary>True for the operations a report counts as accesses of the key: the data plane and its lifecycle.</summary>
    public static bool IsAccess(string operation) =>
        operation.StartsWith("data.", StringComparison.Ordinal) || operation.StartsWith("key.", StringComparison.Ordinal);

    /// <summary>
    /// The jurisdictions of a location outside what the key allows: its country when the allowed jurisdictions do not cover it,
    /// and each jurisdiction that can compel its operator that is not within the allowed legal exposure (or, when no rule
    /// limits legal exposure, within the allowed jurisdictions).
    /// </summary>
    public static IReadOnlyList<string> Outside(MaterialLocation location, StatedRequirements requirements)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(requirements);
        var outside = new List<string>();
        if (requirements.AllowedJurisdictions is { } allowed && !Jurisdictions.Covers(allowed, location.Country)) outside.Add(location.Country);
        if ((requirements.AllowedLegalExposure ?? requirements.AllowedJurisdictions) is { } exposure)
        {
            foreach (var j in location.CompellableBy)
                if (!Jurisdictions.Within(j, exposure) && !outside.Contains(j)) outside.Add(j);
        }
        return outside;
    }

    private static List<Provenance> Provenance(ReportStatement statement, List<VersionFinding> versions, long attestationIndex)
    {
        var lines = new List<Provenance>
        {
            new("the key's events and everything counted from them (accesses, refusals, times, principals, countries)", true,
                $"{statement.Events.Count} event(s), each with its leaf data and inclusion proof in the signed checkpoint"),
            new($"that these are all of the key's events below tree size {statement.Events.TreeSize}", false,
                "an inclusion proof cannot show that nothing was left out: compare with the whole log ('custos audit export', 'custos audit verify --bundle')"),
        };
        var stated = statement.Key.Versions.ToDictionary(v => v.Number);
        foreach (var v in versions)
        {
            if (v.Shares is { Count: > 0 } shares)
                lines.Add(new($"version {v.Number}: when its shares were dealt, to which custodians, in which countries", true,
                    string.Join(", ", shares.Select(s => $"event {s.Dealt.Index} ({s.Dealt.Operation})"))));
            else
                lines.Add(v.Created is { } c && v.Location is not null
                    ? new($"version {v.Number}: when and where its material was made, its operator and who could compel it", true, $"event {c.Index} ({c.Operation})")
                    : new($"version {v.Number}: when and where its material was made, its operator and who could compel it", false,
                        v.Created is { } e ? $"event {e.Index} ({e.Operation}) records no location: the keystore declared none" : "no event of the log records the making of this version"));
            if (v.Evidence is not null)
                lines.Add(new($"version {v.Number}: what the keystore attested (HSM attributes)", true, $"event {v.Created!.Index} ({v.Created.Operation})"));
            else if (stated.TryGetValue(v.Number, out var s) && s.Evidence is not null)
                lines.Add(new($"version {v.Number}: what the keystore attested (HSM attributes)", false, "the event that made it does not carry them; the key's record does"));
        }
        foreach (var p in statement.Providers)
        {
            lines.Add(p.PutEvent is { } put
                ? new($"provider '{p.Id}': its register entry (contracts, certifications, headquarters, subprocessors)", true,
                    $"event {put} (register.put) records the SHA-256 of this entry")
                : new($"provider '{p.Id}': its register entry (contracts, certifications, headquarters, subprocessors)", false,
                    p.Entry is null ? "no longer in the legal register" : "no register.put event records this entry's SHA-256 (it was put before events carried it)"));
        }
        lines.Add(new("the key's attributes and state, the residency requirements in force, the share placements", false,
            $"the log proves only that the server stated them, at the time of event {attestationIndex} (report.residency), which records the SHA-256 of the statement"));
        lines.Add(new("what the register records of contracts and certifications", false, "the register holds what the contracts say, as security officers entered it; Custos does not verify the contracts"));
        return lines;
    }

    /// <summary>Each group of shares a version had, until the next one was dealt (or until the version stopped living).</summary>
    private static List<ShareFinding> Shares(List<Indexed> dealt, DateTimeOffset until, StatedRequirements requirements)
    {
        var groups = new List<ShareFinding>(dealt.Count);
        for (int i = 0; i < dealt.Count; i++)
        {
            var (index, e) = (dealt[i].Index, dealt[i].Event);
            var custodians = e.Threshold!.Custodians.Where(c => c.Result == "share").Select(c => new CustodianFinding(c.Name, c.Country)).ToList();
            var outside = requirements.AllowedJurisdictions is { } allowed
                ? custodians.Select(c => c.Country).OfType<string>().Where(c => !Jurisdictions.Covers(allowed, c)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()
                : [];
            groups.Add(new ShareFinding
            {
                Dealt = Ref(index, e), Group = e.Threshold.Group, Custodians = custodians,
                Until = i + 1 < dealt.Count ? dealt[i + 1].Event.Time : until, OutsideAllowed = outside,
            });
        }
        return groups;
    }

    private static EventRef Ref(long index, AuditEvent e) => new(index, e.Time, e.Principal, e.Operation);

    private sealed record Indexed(long Index, AuditEvent Event);

    private static GroupTally Tally(Dictionary<string, GroupTally> groups, string? value, AuditEvent e)
    {
        var key = value ?? "";
        if (!groups.TryGetValue(key, out var t)) groups[key] = t = new GroupTally(value, e.Time);
        t.Add(e);
        return t;
    }

    /// <summary>The rows of a grouping; by country (<paramref name="byCountry"/>) with the nodes and whether the allowed countries cover it.</summary>
    private static IReadOnlyList<AccessGroup> Rows(Dictionary<string, GroupTally> groups, bool byCountry, IReadOnlyList<string>? allowedCountries) =>
        [.. groups.Values
            .OrderByDescending(g => g.Count).ThenBy(g => g.Value, StringComparer.Ordinal)
            .Select(g => new AccessGroup
            {
                Value = g.Value, Count = g.Count, Allowed = g.Allowed, Denied = g.Denied, Failed = g.Failed, First = g.First, Last = g.Last,
                Operations = new SortedDictionary<string, long>(g.Operations, StringComparer.Ordinal),
                Nodes = byCountry ? [.. g.Nodes.Order(StringComparer.Ordinal)] : null,
                OutsideAllowed = byCountry && allowedCountries is not null ? g.Value is null || !Jurisdictions.Covers(allowedCountries, g.Value) : null,
            })];

    private sealed class GroupTally(string? value, DateTimeOffset first)
    {
        public string? Value => value;
        public long Count, Allowed, Denied, Failed;
        public DateTimeOffset First = first, Last = first;
        public readonly Dictionary<string, long> Operations = new(StringComparer.Ordinal);
        public readonly HashSet<string> Nodes = new(StringComparer.Ordinal);

        public void Add(AuditEvent e)
        {
            Count++;
            switch (e.Outcome)
            {
                case AuditOutcome.Allowed: Allowed++; break;
                case AuditOutcome.Denied: Denied++; break;
                default: Failed++; break;
            }
            if (e.Time < First) First = e.Time;
            if (e.Time > Last) Last = e.Time;
            Operations[e.Operation] = Operations.GetValueOrDefault(e.Operation) + 1;
        }
    }

    private sealed class OperationTally(DateTimeOffset first)
    {
        public long Count;
        public DateTimeOffset First = first, Last = first;

        public void Add(DateTimeOffset time)
        {
            Count++;
            if (time < First) First = time;
            if (time > Last) Last = time;
        }
    }
}
