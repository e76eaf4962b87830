using Custos.Core.Keys;

namespace Custos.Storage.Tests.Contracts;

/// <summary>Field-by-field comparison of keys (ManagedKey has no value equality, and must not).</summary>
internal static class KeyAssert
{
    public static void Equal(ManagedKey expected, ManagedKey? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Alias, actual.Alias);
        Assert.Equal(expected.Purpose, actual.Purpose);
        Assert.Equal(expected.Custody, actual.Custody);
        Assert.Equal(expected.Spec, actual.Spec);
        Assert.Equal(expected.State, actual.State);
        Assert.Equal(expected.StateBeforeDestruction, actual.StateBeforeDestruction);
        SameInstant(expected.DestructionDate, actual.DestructionDate);
        Assert.Equal(expected.PrimaryVersion, actual.PrimaryVersion);
        SameInstant(expected.CreatedAt, actual.CreatedAt);
        SameInstant(expected.UpdatedAt, actual.UpdatedAt);
        SameInstant(expected.LastRotatedAt, actual.LastRotatedAt);
        Assert.Equal(expected.Revision, actual.Revision);
        SameInstant(expected.NextRotationAt, actual.NextRotationAt);

        var (e, a) = (expected.Attributes, actual.Attributes);
        Assert.Equal(e.Description, a.Description);
        Assert.Equal(e.Owner, a.Owner);
        Assert.Equal(e.Classification, a.Classification);
        Assert.Equal(e.DataCategories, a.DataCategories);
        Assert.Equal(e.AllowedJurisdictions, a.AllowedJurisdictions);
        Assert.Equal(e.RetentionDays, a.RetentionDays);
        Assert.Equal(e.RotationPeriodDays, a.RotationPeriodDays);
        Assert.Equal(e.Tags.OrderBy(t => t.Key, StringComparer.Ordinal), a.Tags.OrderBy(t => t.Key, StringComparer.Ordinal));

        Assert.Equal(expected.Versions.Count, actual.Versions.Count);
        for (var i = 0; i < expected.Versions.Count; i++)
        {
            var (ev, av) = (expected.Versions[i], actual.Versions[i]);
            Assert.Equal(ev.Number, av.Number);
            Assert.Equal(ev.State, av.State);
            Assert.Equal(ev.Keystore, av.Keystore);
            Assert.Equal(ev.Material, av.Material);
            SameInstant(ev.CreatedAt, av.CreatedAt);
            SameInstant(ev.DestroyedAt, av.DestroyedAt);
            Assert.Equal(ev.Evidence?.OrderBy(p => p.Key, StringComparer.Ordinal), av.Evidence?.OrderBy(p => p.Key, StringComparer.Ordinal));
        }
    }

    /// <summary>Same instant to the tick (the test times are whole microseconds, so an adapter that keeps microseconds passes).</summary>
    public static void SameInstant(DateTimeOffset? expected, DateTimeOffset? actual) =>
        Assert.Equal(expected?.UtcTicks, actual?.UtcTicks);
}
