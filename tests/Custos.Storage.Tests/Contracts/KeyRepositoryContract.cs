using Custos.Core.Keys;
using Custos.Core.Ports;
using Microsoft.Extensions.Time.Testing;
using static Custos.Storage.Tests.Contracts.TestKeys;

namespace Custos.Storage.Tests.Contracts;

/// <summary>
/// What every <see cref="IKeyRepository"/> must do. An adapter's test class derives from this and
/// supplies a fresh, empty repository per test.
/// </summary>
public abstract class KeyRepositoryContract
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new repository over an empty store, private to the calling test.</summary>
    protected abstract IKeyRepository CreateRepository();

    [Theory]
    [InlineData(KeyState.Enabled)]
    [InlineData(KeyState.Disabled)]
    [InlineData(KeyState.PendingDestruction)]
    [InlineData(KeyState.Destroyed)]
    public async Task Insert_then_get_and_get_by_alias_round_trip_every_field(KeyState state)
    {
        var repository = CreateRepository();
        var key = Full(state);

        Assert.Equal(SaveOutcome.Saved, await repository.InsertAsync(key, Ct));

        Assert.Equal(1, key.Revision);
        KeyAssert.Equal(key, await repository.GetAsync(key.Id, Ct));
        KeyAssert.Equal(key, await repository.GetByAliasAsync("payments", Ct));
    }

    [Fact]
    public async Task A_minimal_key_without_alias_round_trips()
    {
        var repository = CreateRepository();
        var key = New();

        Assert.Equal(SaveOutcome.Saved, await repository.InsertAsync(key, Ct));

        var loaded = await repository.GetAsync(key.Id, Ct);
        KeyAssert.Equal(key, loaded);
        Assert.Null(loaded!.Alias);
        Assert.Empty(loaded.Attributes.Tags);
        Assert.Null(loaded.NextRotationAt);
    }

    [Fact]
    public async Task Unknown_id_and_alias_give_null()
    {
        var repository = CreateRepository();
        await repository.InsertAsync(New("known"), Ct);

        Assert.Null(await repository.GetAsync(NewId(), Ct));
        Assert.Null(await repository.GetByAliasAsync("unknown", Ct));
    }

    [Fact]
    public async Task Many_keys_may_have_no_alias()
    {
        var repository = CreateRepository();

        Assert.Equal(SaveOutcome.Saved, await repository.InsertAsync(New(), Ct));
        Assert.Equal(SaveOutcome.Saved, await repository.InsertAsync(New(), Ct));
    }

    [Fact]
    public async Task Insert_of_an_existing_id_is_duplicate_and_writes_nothing()
    {
        var repository = CreateRepository();
        var first = New("first");
        await repository.InsertAsync(first, Ct);
        var second = New("second", FullAttributes(), id: first.Id);

        Assert.Equal(SaveOutcome.Duplicate, await repository.InsertAsync(second, Ct));

        Assert.Equal(0, second.Revision);
        KeyAssert.Equal(first, await repository.GetAsync(first.Id, Ct));
        Assert.Null(await repository.GetByAliasAsync("second", Ct));
    }

    [Fact]
    public async Task Insert_with_a_taken_alias_is_alias_taken_and_writes_nothing()
    {
        var repository = CreateRepository();
        var first = New("shared");
        await repository.InsertAsync(first, Ct);
        var second = New("shared");

        Assert.Equal(SaveOutcome.AliasTaken, await repository.InsertAsync(second, Ct));

        Assert.Equal(0, second.Revision);
        Assert.Null(await repository.GetAsync(second.Id, Ct));
        Assert.Equal(first.Id, (await repository.GetByAliasAsync("shared", Ct))!.Id);
    }

    [Fact]
    public async Task Update_replaces_the_material_and_evidence_of_an_existing_version()
    {
        var repository = CreateRepository();
        var key = New("reshared");
        await repository.InsertAsync(key, Ct);
        var loaded = (await repository.GetAsync(key.Id, Ct))!;
        var material = Material();
        var evidence = new Dictionary<string, string> { ["threshold.group_fingerprint"] = "ab12" };

        Check(loaded.ReplaceMaterial(1, material, evidence, T0.AddMinutes(5)));
        Assert.Equal(SaveOutcome.Saved, await repository.UpdateAsync(loaded, Ct));

        var stored = (await repository.GetAsync(key.Id, Ct))!;
        KeyAssert.Equal(loaded, stored);
        Assert.Equal(material, stored.Versions[0].Material);
        Assert.Equal("ab12", stored.Versions[0].Evidence!["threshold.group_fingerprint"]);
    }

    [Fact]
    public async Task Update_stores_every_change_and_increments_the_revision()
    {
        var repository = CreateRepository();
        var key = New("before");
        await repository.InsertAsync(key, Ct);
        var loaded = (await repository.GetAsync(key.Id, Ct))!;

        Check(loaded.Update("after", FullAttributes(rotationDays: 30), T0.AddMinutes(5).Add(Microsecond)));
        Check(loaded.Disable(T0.AddMinutes(6).Add(Microsecond * 3)));
        Assert.Equal(SaveOutcome.Saved, await repository.UpdateAsync(loaded, Ct));

        Assert.Equal(2, loaded.Revision);
        KeyAssert.Equal(loaded, await repository.GetAsync(key.Id, Ct));
        KeyAssert.Equal(loaded, await repository.GetByAliasAsync("after", Ct));
        Assert.Null(await repository.GetByAliasAsync("before", Ct));
    }

    [Fact]
    public async Task Update_to_a_taken_alias_is_alias_taken_and_writes_nothing()
    {
        var repository = CreateRepository();
        await repository.InsertAsync(New("taken"), Ct);
        var key = New("mine");
        await repository.InsertAsync(key, Ct);
        var loaded = (await repository.GetAsync(key.Id, Ct))!;
        Check(loaded.Update("taken", FullAttributes(), T0.AddHours(1)));
        Check(loaded.Rotate(new KeyVersion(2, KeyVersionState.Enabled, "software", Material(), T0.AddHours(1), null), T0.AddHours(1)));

        Assert.Equal(SaveOutcome.AliasTaken, await repository.UpdateAsync(loaded, Ct));

        Assert.Equal(1, loaded.Revision);
        KeyAssert.Equal(key, await repository.GetAsync(key.Id, Ct)); // old alias, attributes, one version, revision 1
    }

    [Fact]
    public async Task The_second_of_two_concurrent_updates_is_a_conflict_and_writes_nothing()
    {
        var repository = CreateRepository();
        var key = New("k");
        await repository.InsertAsync(key, Ct);
        var first = (await repository.GetAsync(key.Id, Ct))!;
        var second = (await repository.GetAsync(key.Id, Ct))!;

        Check(first.Update("k", FullAttributes() with { Owner = "first" }, T0.AddHours(1)));
        Assert.Equal(SaveOutcome.Saved, await repository.UpdateAsync(first, Ct));
        Check(second.Update("other", FullAttributes() with { Owner = "second" }, T0.AddHours(2)));
        Check(second.Rotate(new KeyVersion(2, KeyVersionState.Enabled, "software", Material(), T0.AddHours(2), null), T0.AddHours(2)));

        Assert.Equal(SaveOutcome.Conflict, await repository.UpdateAsync(second, Ct));

        Assert.Equal(1, second.Revision);
        KeyAssert.Equal(first, await repository.GetAsync(key.Id, Ct));
        Assert.Null(await repository.GetByAliasAsync("other", Ct));
    }

    [Fact]
    public async Task Update_of_a_key_that_was_never_inserted_is_a_conflict()
    {
        var repository = CreateRepository();
        var key = New("ghost");

        Assert.Equal(SaveOutcome.Conflict, await repository.UpdateAsync(key, Ct));

        Assert.Null(await repository.GetAsync(key.Id, Ct));
    }

    [Fact]
    public async Task Rotation_appends_a_version_and_moves_the_primary()
    {
        var repository = CreateRepository();
        var key = New("rotating", FullAttributes(rotationDays: 30));
        await repository.InsertAsync(key, Ct);
        var loaded = (await repository.GetAsync(key.Id, Ct))!;
        var at = T0.AddDays(30).Add(Microsecond * 5);

        Check(loaded.Rotate(new KeyVersion(2, KeyVersionState.Enabled, "software", Material(), at, null), at));
        Assert.Equal(SaveOutcome.Saved, await repository.UpdateAsync(loaded, Ct));

        var stored = await repository.GetAsync(key.Id, Ct);
        KeyAssert.Equal(loaded, stored);
        Assert.Equal(2, stored!.PrimaryVersion);
        Assert.Equal([1, 2], stored.Versions.Select(v => v.Number));
        Assert.Equal(key.Versions[0].Material, stored.Versions[0].Material);
    }

    [Fact]
    public async Task Destruction_drops_the_material_of_every_version()
    {
        var repository = CreateRepository();
        var key = Full(KeyState.Enabled);
        await repository.InsertAsync(key, Ct);
        var loaded = (await repository.GetAsync(key.Id, Ct))!;
        Check(loaded.ScheduleDestruction(7, T0.AddDays(10)));
        Assert.Equal(SaveOutcome.Saved, await repository.UpdateAsync(loaded, Ct));
        loaded = (await repository.GetAsync(key.Id, Ct))!;

        Check(loaded.Destroy(T0.AddDays(17).Add(Microsecond)));
        Assert.Equal(SaveOutcome.Saved, await repository.UpdateAsync(loaded, Ct));

        var stored = await repository.GetAsync(key.Id, Ct);
        KeyAssert.Equal(loaded, stored);
        Assert.Equal(KeyState.Destroyed, stored!.State);
        Assert.Equal(3, stored.Revision);
        Assert.All(stored.Versions, v =>
        {
            Assert.Equal(KeyVersionState.Destroyed, v.State);
            Assert.Null(v.Material);
            KeyAssert.SameInstant(T0.AddDays(17).Add(Microsecond), v.DestroyedAt);
        });
    }

    [Fact]
    public async Task Cancelling_a_destruction_round_trips()
    {
        var repository = CreateRepository();
        var key = Full(KeyState.PendingDestruction);
        await repository.InsertAsync(key, Ct);
        var loaded = (await repository.GetAsync(key.Id, Ct))!;

        Check(loaded.CancelDestruction(T0.AddDays(5)));
        Assert.Equal(SaveOutcome.Saved, await repository.UpdateAsync(loaded, Ct));

        var stored = await repository.GetAsync(key.Id, Ct);
        KeyAssert.Equal(loaded, stored);
        Assert.Equal(KeyState.Disabled, stored!.State);
        Assert.Null(stored.StateBeforeDestruction);
        Assert.Null(stored.DestructionDate);
    }

    [Fact]
    public async Task Listing_pages_through_every_key_once_in_id_order()
    {
        var repository = CreateRepository();
        var keys = new List<ManagedKey>();
        for (var i = 0; i < 25; i++)
        {
            var key = i % 2 == 0 ? New($"key-{i}") : Full(KeyState.Enabled, alias: null);
            keys.Add(key);
            await repository.InsertAsync(key, Ct);
        }

        var seen = new List<ManagedKey>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await repository.ListAsync(cursor, 10, Ct);
            Assert.True(page.Keys.Count <= 10);
            seen.AddRange(page.Keys);
            cursor = page.NextCursor;
            pages++;
        } while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        var expected = keys.OrderBy(k => k.Id, StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Select(k => k.Id), seen.Select(k => k.Id));
        for (var i = 0; i < expected.Count; i++) KeyAssert.Equal(expected[i], seen[i]);
    }

    [Fact]
    public async Task Listing_an_empty_store_gives_an_empty_last_page()
    {
        var page = await CreateRepository().ListAsync(null, 10, Ct);

        Assert.Empty(page.Keys);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task A_full_last_page_has_no_cursor()
    {
        var repository = CreateRepository();
        for (var i = 0; i < 10; i++) await repository.InsertAsync(New(), Ct);

        var page = await repository.ListAsync(null, 10, Ct);

        Assert.Equal(10, page.Keys.Count);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task Due_keys_are_exactly_those_due_for_rotation_or_destruction()
    {
        var repository = CreateRepository();
        var time = new FakeTimeProvider(T0);
        var t0 = time.GetUtcNow();

        var rotates30 = New("rotates-30", new KeyAttributes { RotationPeriodDays = 30 }, t0);
        var rotates90 = New("rotates-90", new KeyAttributes { RotationPeriodDays = 90 }, t0);
        var manual = New("manual", new KeyAttributes(), t0);
        var disabled = New("disabled-with-period", new KeyAttributes { RotationPeriodDays = 1 }, t0);
        Check(disabled.Disable(t0));
        var destroy7 = New("destroy-7", new KeyAttributes { RotationPeriodDays = 1 }, t0);
        Check(destroy7.ScheduleDestruction(7, t0));
        var destroy30 = New("destroy-30", new KeyAttributes(), t0);
        Check(destroy30.ScheduleDestruction(30, t0));
        var destroyed = New("destroyed", new KeyAttributes { RotationPeriodDays = 1 }, t0);
        Check(destroyed.ScheduleDestruction(7, t0));
        Check(destroyed.Destroy(t0.AddDays(7)));
        foreach (var key in new[] { rotates30, rotates90, manual, disabled, destroy7, destroy30, destroyed })
            Assert.Equal(SaveOutcome.Saved, await repository.InsertAsync(key, Ct));

        Assert.Empty(await repository.ListDueAsync(t0.AddDays(7) - Microsecond, Ct));
        Assert.Equal([destroy7.Id], await repository.ListDueAsync(t0.AddDays(7), Ct));
        Assert.Equal([destroy7.Id], await repository.ListDueAsync(t0.AddDays(30) - Microsecond, Ct));
        Assert.Equal(Sorted(destroy7, rotates30, destroy30), await repository.ListDueAsync(t0.AddDays(30), Ct));

        // Rotating moves the next rotation 30 days on; the due list follows.
        time.SetUtcNow(t0.AddDays(31));
        var loaded = (await repository.GetAsync(rotates30.Id, Ct))!;
        Check(loaded.Rotate(new KeyVersion(2, KeyVersionState.Enabled, "software", Material(), time.GetUtcNow(), null), time.GetUtcNow()));
        Assert.Equal(SaveOutcome.Saved, await repository.UpdateAsync(loaded, Ct));

        Assert.Equal(Sorted(destroy7, destroy30), await repository.ListDueAsync(time.GetUtcNow(), Ct));
        Assert.Equal(Sorted(destroy7, destroy30, rotates30, rotates90), await repository.ListDueAsync(t0.AddDays(365), Ct));
    }

    private static string[] Sorted(params ManagedKey[] keys) => [.. keys.Select(k => k.Id).Order(StringComparer.Ordinal)];
}
