using System.Runtime.CompilerServices;
using Custos.Core.Access;
using Custos.Core.Access.Policy;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Ports;
using Custos.Core.Reports;
using Custos.Core.Residency;
using Custos.Crypto.Transparency;

namespace Custos.Core.Service;

/// <summary>
/// Makes residency evidence reports (<see cref="ResidencyReport"/>) for auditors and security officers (the policy's
/// <c>read-audit</c> or <c>administer</c>). For one key it reads the key's events from the log page by page up to the
/// current tree size, derives the findings, quotes the register entries of the operators the versions were made at
/// (with the <c>register.put</c> event recording each, when there is one), writes the report's own
/// <c>report.residency</c> event carrying the SHA-256 of its statement, signs a checkpoint covering it, and proves every
/// event it relies on against that checkpoint. Refusals and failures are audited as <c>report.residency</c> too.
/// </summary>
public sealed class ResidencyReportService(
    IAuditStore store, IAuditLog log, AuditCheckpointer checkpointer, AuditRecorder audit, Guard guard, KeyResolver resolver,
    IProviderRepository register, ActivePolicy policy, NodeIdentity node, TimeProvider time, LocationMap? locations = null,
    ResidencyCompliance? compliance = null)
{
    /// <summary>Events read per page.</summary>
    public const int PageSize = 1000;

    /// <summary>Prepares the report on key <paramref name="reference"/> (an id or alias/NAME).</summary>
    public async Task<Result<PreparedReport>> PrepareAsync(Principal principal, string? reference, CancellationToken cancellationToken)
    {
        var (result, recorded) = await PrepareCoreAsync(principal, reference, cancellationToken);
        if (recorded) return result;
        return await audit.RecordAsync(principal, ResidencyReport.Operation, result, _ => (null, null), KeyIds.IdOrNull(reference), null, cancellationToken);
    }

    /// <summary>
    /// The residency overview (<see cref="ResidencyOverview"/>): every key whose material exists, where it lives now, who
    /// could compel its holders and whether it complies; recorded as a <c>report.residency-overview</c> event carrying its
    /// SHA-256 (refusals are recorded too).
    /// </summary>
    public async Task<Result<ResidencyOverview>> OverviewAsync(Principal principal, CancellationToken cancellationToken)
    {
        var (result, recorded) = await OverviewCoreAsync(principal, cancellationToken);
        if (recorded) return result;
        return await audit.RecordAsync(principal, ResidencyOverview.Operation, result, _ => (null, null), null, null, cancellationToken);
    }

    private async Task<(Result<ResidencyOverview> Result, bool Recorded)> OverviewCoreAsync(Principal principal, CancellationToken ct)
    {
        if (await MayReadAsync(principal, ct) is { } denied) return (denied, false);
        if (guard.IsSealed) return (CustosError.Sealed, false);
        if (compliance is null) return (new CustosError(ErrorCode.Unavailable, "this server has no residency configuration to describe"), false);
        long treeSize = log.IsEnabled ? (await store.GetTreeHeadAsync(ct)).Size : 0;
        var active = await policy.GetAsync(ct);
        var keys = await compliance.DescribeAsync(ct);
        var described = keys.OrderBy(k => k.Key.Id, StringComparer.Ordinal).Select(Overview).ToList();
        var overview = new ResidencyOverview
        {
            Format = ResidencyOverview.FormatName,
            GeneratedAt = time.GetUtcNow(),
            Node = node.Name,
            NodeCountry = node.Country,
            PolicyVersion = active.Version,
            TreeSize = treeSize,
            Totals = new OverviewTotals
            {
                Keys = described.Count,
                Compliant = described.Count(k => k.Violations.Count == 0),
                OutOfPolicy = described.Count(k => k.Violations.Count > 0),
                ByCustody = Counts(described.Select(k => new[] { k.Custody })),
                ByMaterialCountry = Counts(described.Select(k => k.Placements.Where(p => p.Role == "material").Select(p => p.Country ?? "none declared").Distinct())),
            },
            Keys = described,
        };
        var recorded = audit.Event(principal, ResidencyOverview.Operation, null, null, null) with { DocumentSha256 = overview.Sha256() };
        try
        {
            await audit.RecordAsync(principal, recorded, ct);
        }
        catch (CustosUnavailableException)
        {
            principal.Request?.MarkRefusedUnrecorded();
            return (AuditRecorder.AuditUnavailable, true);
        }
        return (overview, true);
    }

    private static SortedDictionary<string, int> Counts(IEnumerable<IEnumerable<string>> perKey)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var values in perKey)
            foreach (var v in values) counts[v] = counts.GetValueOrDefault(v) + 1;
        return counts;
    }

    private static OverviewKey Overview(KeyResidency k) => new()
    {
        Id = k.Key.Id,
        Alias = k.Key.Alias,
        Classification = k.Key.Attributes.Classification.Name(),
        Custody = k.Key.Custody.Name(),
        State = k.Key.State.Name(),
        AllowedJurisdictions = k.Requirements.Countries is { } c ? [.. c.Order(StringComparer.Ordinal)] : null,
        AllowedLegalExposure = k.Requirements.LegalExposure is { } l ? [.. l.Order(StringComparer.Ordinal)] : null,
        Placements = [.. k.Places.Select(p => new OverviewPlacement
        {
            Name = p.Place.Name,
            Role = p.Place.Role == PlacementRole.Material ? "material" : "serving",
            Country = p.Place.Location?.Country,
            Region = p.Place.Location?.Region is { Length: > 0 } r ? r : null,
            Operator = p.Place.Location?.Operator,
            CompellableBy = p.CompellableBy,
        })],
        Violations = [.. k.Violations.Select(v => v.Message)],
    };

    private async Task<(Result<PreparedReport> Result, bool Recorded)> PrepareCoreAsync(Principal principal, string? reference, CancellationToken ct)
    {
        if (await MayReadAsync(principal, ct) is { } denied) return (denied, false);
        if (string.IsNullOrEmpty(reference)) return (CustosError.Invalid("key is required: ?key=ID or ?key=alias/NAME"), false);
        if (!log.IsEnabled)
            return (new CustosError(ErrorCode.Conflict, "this server runs without an audit log (\"auditLog\": false): there are no events to prove a report with"), false);
        if (guard.IsSealed) return (CustosError.Sealed, false);
        var loaded = await resolver.LoadForChangeAsync(reference, ct);
        if (!loaded.IsSuccess) return (loaded.Error, false);
        var key = loaded.Value;

        // Pass 1: the key's events below the current size, into the findings and the digest; nothing else is kept.
        long searched = (await store.GetTreeHeadAsync(ct)).Size;
        var builder = new FindingsBuilder(key.Id);
        using var digest = new EventDigest();
        await foreach (var leaf in KeyEventsAsync(key.Id, searched, ct))
        {
            if (AuditEvent.FromLeafData(leaf.Data) is not { } e || e.KeyId != key.Id) return (Corrupt(leaf.Index), false);
            digest.Add(leaf.Index, MerkleHash.LeafHash(leaf.Data));
            builder.Add(leaf.Index, e);
        }

        var placements = await SharePlacementsAsync(key, ct);
        var operators = builder.Operators.Concat(placements?.SelectMany(p => p.Custodians).Select(c => c.Operator).OfType<string>() ?? [])
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var (providers, putLeaves) = await ProvidersAsync(operators, searched, ct);
        var active = await policy.GetAsync(ct);
        var statement = new ReportStatement
        {
            GeneratedAt = time.GetUtcNow(),
            Node = node.Name,
            NodeCountry = node.Country,
            Key = Stated(key),
            Requirements = Stated(ResidencyEvaluator.RequirementsFor(KeyFacts.Of(key), active.Document), active.Version),
            Providers = providers,
            Shares = placements is null
                ? $"none: custody '{key.Custody.Name()}' keeps each version's material whole in one keystore, so no shares are placed"
                : "each version's key is split k-of-n across custodians (sharePlacements), none of which can unwrap alone; the group "
                    + "private key exists nowhere, not at the server and not at any custodian",
            SharePlacements = placements,
            Events = new StatedEvents { TreeSize = searched, Count = digest.Count, Sha256 = digest.Hex() },
        };

        // The attestation: the report's own event, recording the SHA-256 of its statement.
        var attestation = audit.Event(principal, ResidencyReport.Operation, key.Id, null, null) with { DocumentSha256 = statement.Sha256() };
        try
        {
            await audit.RecordAsync(principal, attestation, ct);
        }
        catch (CustosUnavailableException)
        {
            principal.Request?.MarkRefusedUnrecorded();
            return (AuditRecorder.AuditUnavailable, true);
        }
        var attestationLeaf = await FindAttestationAsync(key.Id, searched, attestation.DocumentSha256!, ct);
        var checkpoint = await checkpointer.CheckpointAsync(ct);
        var vkey = await checkpointer.VerifierKeyAsync(ct);
        if (attestationLeaf is null || checkpoint is null || vkey is null || checkpoint.TreeSize <= attestationLeaf.Index)
            return (new CustosError(ErrorCode.Unavailable, "no signed checkpoint covers the report's own event yet; try again"), true);
        if (!SignedNote.TryParse(checkpoint.Note, out var note) || !Checkpoint.TryParse(note!.Text, out var cp))
            return (new CustosError(ErrorCode.Unavailable, "the latest checkpoint does not parse; run 'custos audit verify'"), true);
        var prover = new InclusionProver(await store.GetLeafHashesAsync(cp!.Size, ct));
        if (!prover.RootHash.AsSpan().SequenceEqual(cp.RootHash))
            return (new CustosError(ErrorCode.Unavailable, $"the stored events do not hash to checkpoint {cp.Size}; run 'custos audit verify'"), true);

        var findings = builder.Complete(statement, attestationLeaf.Index, attestation.Time);
        var head = new ReportEvidence
        {
            Checkpoint = checkpoint.Note,
            VerifierKey = vkey,
            TreeSize = cp.Size,
            RootHash = cp.RootHash,
            Attestation = Prove(prover, attestationLeaf),
            RegisterEvents = [.. putLeaves.Select(l => Prove(prover, l))],
            Events = [],
        };
        return (new PreparedReport(statement, findings, head, c => ProvenEventsAsync(key.Id, statement.Events, prover, c)), true);
    }

    /// <summary>Pass 2: the same events again, each with its proof; refuses to go on if they are not the ones the statement counts.</summary>
    private async IAsyncEnumerable<ProvenEvent> ProvenEventsAsync(string keyId, StatedEvents expected, InclusionProver prover,
        [EnumeratorCancellation] CancellationToken ct)
    {
        using var digest = new EventDigest();
        await foreach (var leaf in KeyEventsAsync(keyId, expected.TreeSize, ct))
        {
            digest.Add(leaf.Index, MerkleHash.LeafHash(leaf.Data));
            yield return Prove(prover, leaf);
        }
        if (digest.Count != expected.Count || digest.Hex() != expected.Sha256)
            throw Error.Unavailable($"the events of key {keyId} changed while the report was written; run 'custos audit verify'");
    }

    /// <summary>The events naming <paramref name="keyId"/> below index <paramref name="below"/>, in index order, a page at a time.</summary>
    private async IAsyncEnumerable<AuditLeaf> KeyEventsAsync(string keyId, long below, [EnumeratorCancellation] CancellationToken ct)
    {
        long after = -1;
        while (true)
        {
            var page = await store.ReadAsync(new AuditQuery(after, PageSize, KeyId: keyId), ct);
            foreach (var leaf in page.Leaves)
            {
                if (leaf.Index >= below) yield break;
                yield return leaf;
            }
            if (page.Next is not { } next || next <= after) yield break;
            after = next;
        }
    }

    /// <summary>
    /// The register entries of <paramref name="operators"/> and, for each, the last allowed <c>register.put</c> of it below
    /// <paramref name="below"/> when that event records the SHA-256 of the entry as it is now.
    /// </summary>
    private async Task<(IReadOnlyList<StatedProvider>, IReadOnlyList<AuditLeaf>)> ProvidersAsync(List<string> operators, long below, CancellationToken ct)
    {
        if (operators.Count == 0) return ([], []);
        var wanted = new HashSet<string>(operators, StringComparer.Ordinal);
        var lastPut = new Dictionary<string, (AuditLeaf Leaf, string? Sha)>(StringComparer.Ordinal);
        long after = -1;
        while (true)
        {
            var page = await store.ReadAsync(new AuditQuery(after, PageSize, Operation: "register.put", Outcome: AuditEvent.Name(AuditOutcome.Allowed)), ct);
            foreach (var leaf in page.Leaves.Where(l => l.Index < below))
            {
                if (AuditEvent.FromLeafData(leaf.Data) is { Provider: { } id } e && wanted.Contains(id)) lastPut[id] = (leaf, e.DocumentSha256);
            }
            if (page.Next is not { } next || next <= after || next >= below) break;
            after = next;
        }
        var providers = new List<StatedProvider>(operators.Count);
        var leaves = new List<AuditLeaf>();
        foreach (var id in operators)
        {
            var entry = await register.GetAsync(id, ct);
            long? putEvent = null;
            if (entry is not null && lastPut.TryGetValue(id, out var put) && put.Sha == entry.Provider.CanonicalSha256())
            {
                putEvent = put.Leaf.Index;
                leaves.Add(put.Leaf);
            }
            providers.Add(new StatedProvider { Id = id, Entry = entry?.Provider, UpdatedAt = entry?.UpdatedAt, UpdatedBy = entry?.UpdatedBy, PutEvent = putEvent });
        }
        return (providers, [.. leaves.OrderBy(l => l.Index)]);
    }

    private async Task<AuditLeaf?> FindAttestationAsync(string keyId, long after, string sha, CancellationToken ct)
    {
        long from = after - 1;
        while (true)
        {
            var page = await store.ReadAsync(new AuditQuery(from, PageSize, KeyId: keyId, Operation: ResidencyReport.Operation), ct);
            foreach (var leaf in page.Leaves)
            {
                if (AuditEvent.FromLeafData(leaf.Data) is { DocumentSha256: { } s } && s == sha) return leaf;
            }
            if (page.Next is not { } next || next <= from) return null;
            from = next;
        }
    }

    /// <summary>
    /// For a threshold key: each version's custodians (from its material) with their locations as this server configures them
    /// now and their full legal exposure under the register; null for other custodies.
    /// </summary>
    private async Task<IReadOnlyList<StatedShares>?> SharePlacementsAsync(ManagedKey key, CancellationToken ct)
    {
        if (key.Custody != KeyCustody.Threshold) return null;
        var configured = (locations?.Custodians() ?? []).ToDictionary(c => c.Name, StringComparer.Ordinal);
        var placements = new List<StatedShares>();
        foreach (var version in key.Versions)
        {
            if (version.Material is null || Threshold.ThresholdMaterial.TryDecode(version.Material) is not { } material) continue;
            var custodians = new List<StatedCustodian>(material.Custodians.Count);
            foreach (var (index, name) in material.Custodians)
            {
                if (!configured.TryGetValue(name, out var c))
                {
                    custodians.Add(new StatedCustodian { Index = index, Name = name });
                    continue;
                }
                var provider = (await register.GetAsync(c.Location.Operator, ct))?.Provider;
                custodians.Add(new StatedCustodian
                {
                    Index = index, Name = name, Country = c.Location.Country, Region = c.Location.Region is { Length: > 0 } r ? r : null,
                    Operator = c.Location.Operator, CompellableBy = [.. LegalExposure.Of(c.Location, provider).Select(e => e.Jurisdiction)],
                });
            }
            placements.Add(new StatedShares
            {
                Version = version.Number, Threshold = material.Group.Threshold, MinJurisdictions = material.MinJurisdictions,
                Group = material.Group.Fingerprint, Custodians = custodians,
            });
        }
        return placements;
    }

    private static ProvenEvent Prove(InclusionProver prover, AuditLeaf leaf) => new(leaf.Index, leaf.Data, prover.Proof(leaf.Index));

    private static StatedKey Stated(ManagedKey key) => new()
    {
        Id = key.Id,
        Alias = key.Alias,
        Purpose = key.Purpose.Name(),
        Custody = key.Custody.Name(),
        Spec = key.Spec.Name(),
        State = key.State.Name(),
        Classification = key.Attributes.Classification.Name(),
        Owner = key.Attributes.Owner,
        Description = key.Attributes.Description,
        DataCategories = key.Attributes.DataCategories,
        AllowedJurisdictions = key.Attributes.AllowedJurisdictions,
        CreatedAt = key.CreatedAt,
        PrimaryVersion = key.PrimaryVersion,
        Versions = [.. key.Versions.Select(v => new StatedVersion
        {
            Number = v.Number, State = v.State.Name(), Keystore = v.Keystore, CreatedAt = v.CreatedAt, DestroyedAt = v.DestroyedAt,
            Evidence = v.Evidence is { Count: > 0 } e ? new SortedDictionary<string, string>(e.ToDictionary(), StringComparer.Ordinal) : null,
        })],
    };

    private static StatedRequirements Stated(ResidencyRequirements requirements, int policyVersion) => new()
    {
        PolicyVersion = policyVersion,
        AllowedJurisdictions = requirements.Countries is { } c ? [.. c.Order(StringComparer.Ordinal)] : null,
        AllowedLegalExposure = requirements.LegalExposure is { } l ? [.. l.Order(StringComparer.Ordinal)] : null,
        Sources = [.. requirements.Sources.Select(s => new StatedRequirementSource
        {
            Rule = s.RuleId, AllowedJurisdictions = s.AllowedJurisdictions, AllowedLegalExposure = s.AllowedLegalExposure, Provider = s.Provider,
        })],
    };

    private static CustosError Corrupt(long index) =>
        new(ErrorCode.Unavailable, $"audit event {index} does not parse as the key's event; run 'custos audit verify'");

    /// <summary>Security officers (administer) and auditors (read-audit) make reports.</summary>
    private async ValueTask<CustosError?> MayReadAsync(Principal principal, CancellationToken cancellationToken)
    {
        if (await guard.AuthorizeAsync(principal, Operation.Administer, null, cancellationToken) is null) return null;
        return await guard.AuthorizeAsync(principal, Operation.ReadAudit, null, cancellationToken) is null
            ? null
            : new CustosError(ErrorCode.Forbidden, $"'{principal.Name}' may not make residency reports (security officers and auditors may)");
    }
}
