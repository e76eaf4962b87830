using Custos.Core.Errors;
using Custos.Core.Keys;

namespace Custos.Core.Tests.Keys;

public sealed class ManagedKeyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static ManagedKey NewKey(int? rotationDays = null) => ManagedKey.Create(
        "0193a5b0-0000-7000-8000-000000000001", "app", KeyPurpose.EncryptDecrypt, KeyCustody.Software, KeySpec.Aes256Gcm,
        new KeyAttributes { RotationPeriodDays = rotationDays }, new KeyVersion(1, KeyVersionState.Enabled, "software", [1, 2, 3], T0, null), T0);

    [Fact]
    public void Disable_then_enable_round_trips_and_blocks_use_meanwhile()
    {
        var key = NewKey();
        Assert.Null(key.Disable(T0));
        Assert.Equal(ErrorCode.KeyDisabled, key.CheckUsable()!.Code);
        Assert.Null(key.Enable(T0));
        Assert.Null(key.CheckUsable());
    }

    [Theory]
    [InlineData(6)]
    [InlineData(31)]
    [InlineData(0)]
    [InlineData(-1)]
    public void Schedule_destruction_refuses_waiting_periods_outside_7_to_30_days(int days)
    {
        var key = NewKey();
        Assert.Equal(ErrorCode.ValidationFailed, key.ScheduleDestruction(days, T0)!.Code);
        Assert.Equal(KeyState.Enabled, key.State);
        Assert.False(key.HasChanges);
    }

    [Fact]
    public void Cancel_destruction_restores_the_state_before_scheduling()
    {
        var key = NewKey();
        key.Disable(T0);
        Assert.Null(key.ScheduleDestruction(7, T0));
        Assert.Equal(KeyState.PendingDestruction, key.State);
        Assert.Equal(T0.AddDays(7), key.DestructionDate);
        Assert.Equal(ErrorCode.KeyPendingDestruction, key.CheckUsable()!.Code);
        Assert.Null(key.CancelDestruction(T0));
        Assert.Equal(KeyState.Disabled, key.State);
        Assert.Null(key.DestructionDate);
    }

    [Fact]
    public void Destroy_only_after_the_waiting_period_and_drops_all_material()
    {
        var key = NewKey();
        key.Rotate(new KeyVersion(2, KeyVersionState.Enabled, "software", [4], T0, null), T0);
        key.ScheduleDestruction(7, T0);
        Assert.Equal(ErrorCode.InvalidKeyState, key.Destroy(T0.AddDays(6))!.Code);
        Assert.Null(key.Destroy(T0.AddDays(7)));
        Assert.Equal(KeyState.Destroyed, key.State);
        Assert.All(key.Versions, v => { Assert.Null(v.Material); Assert.Equal(KeyVersionState.Destroyed, v.State); });
        Assert.Equal(ErrorCode.KeyDestroyed, key.CheckUsable()!.Code);
    }

    [Fact]
    public void Illegal_transitions_are_refused_with_a_clear_error_and_change_nothing()
    {
        var key = NewKey();
        key.ScheduleDestruction(30, T0);
        var before = key.UpdatedAt;
        foreach (var attempt in new Func<CustosError?>[] { () => key.Enable(T0.AddHours(1)), () => key.Disable(T0.AddHours(1)), () => key.ScheduleDestruction(10, T0.AddHours(1)), () => key.CheckCanRotate() })
        {
            var error = attempt();
            Assert.NotNull(error);
            Assert.Equal(ErrorCode.InvalidKeyState, error.Code);
            Assert.Contains("pending-destruction", error.Message, StringComparison.Ordinal);
        }
        Assert.Equal(KeyState.PendingDestruction, key.State);
        Assert.Equal(before, key.UpdatedAt);
        Assert.Equal(ErrorCode.InvalidKeyState, NewKey().CancelDestruction(T0)!.Code);
    }

    [Fact]
    public void Rotation_adds_a_primary_version_and_keeps_old_ones()
    {
        var key = NewKey(rotationDays: 90);
        Assert.Equal(T0.AddDays(90), key.NextRotationAt);
        Assert.False(key.IsDueForRotation(T0.AddDays(89)));
        Assert.True(key.IsDueForRotation(T0.AddDays(90)));
        key.Rotate(new KeyVersion(2, KeyVersionState.Enabled, "software", [9], T0.AddDays(90), null), T0.AddDays(90));
        Assert.Equal(2, key.PrimaryVersion);
        Assert.NotNull(key.FindVersion(1)!.Material);
        Assert.Equal(T0.AddDays(180), key.NextRotationAt);
    }

    [Fact]
    public void Disabled_keys_are_not_due_for_rotation()
    {
        var key = NewKey(rotationDays: 1);
        key.Disable(T0);
        Assert.Null(key.NextRotationAt);
        Assert.False(key.IsDueForRotation(T0.AddDays(10)));
    }

    [Theory]
    [InlineData("alias/app", null, "app")]
    [InlineData("0193a5b0-0000-7000-8000-000000000001", "0193a5b0-0000-7000-8000-000000000001", null)]
    public void Key_references_parse_ids_and_aliases(string text, string? id, string? alias)
    {
        var r = KeyReference.TryParse(text);
        Assert.NotNull(r);
        Assert.Equal(id, r.Value.Id);
        Assert.Equal(alias, r.Value.Alias);
    }

    [Theory]
    [InlineData("")]
    [InlineData("alias/")]
    [InlineData("alias/a b")]
    [InlineData("alias/a/b")]
    [InlineData("0193A5B0-0000-7000-8000-000000000001")]
    [InlineData("not-a-key")]
    public void Malformed_key_references_are_refused(string text) => Assert.Null(KeyReference.TryParse(text));

    [Fact]
    public void Attribute_validation_names_the_broken_field()
    {
        Assert.Contains("jurisdiction 'Germany'", new KeyAttributes { AllowedJurisdictions = ["Germany"] }.Validate()!.Message, StringComparison.Ordinal);
        Assert.Contains("rotation period", new KeyAttributes { RotationPeriodDays = 0 }.Validate()!.Message, StringComparison.Ordinal);
        Assert.Null(new KeyAttributes { AllowedJurisdictions = ["DE", "EU"], DataCategories = ["pii"] }.Validate());
    }
}
