using System.Security.Cryptography;
using Custos.Core.Keys;

namespace Custos.Storage.Tests.Contracts;

/// <summary>Keys built through the domain methods, at fixed microsecond-precision times.</summary>
internal static class TestKeys
{
    /// <summary>2025-03-14T09:26:53.589793Z: microsecond precision, which every adapter must keep.</summary>
    public static readonly DateTimeOffset T0 = new DateTimeOffset(2025, 3, 14, 9, 26, 53, TimeSpan.Zero).AddTicks(5_897_930);

    /// <summary>A microsecond; time steps in these tests are odd multiples of it.</summary>
    public static readonly TimeSpan Microsecond = TimeSpan.FromTicks(10);

    public static string NewId() => Guid.CreateVersion7().ToString();

    public static byte[] Material() => RandomNumberGenerator.GetBytes(60);

    public static KeyAttributes FullAttributes(int? rotationDays = 90) => new()
    {
        Description = "Payments KEK — größte Sorgfalt, 'quotes' and \"double\"",
        Owner = "team-payments",
        Classification = Classification.Secret,
        DataCategories = ["pii", "payments", "health:records"],
        AllowedJurisdictions = ["DE", "FR", "EU"],
        RetentionDays = 3650,
        RotationPeriodDays = rotationDays,
        Tags = new Dictionary<string, string> { ["env"] = "prod", ["cost-centre"] = "4711", ["note"] = "ünïcødé ✓" },
    };

    /// <summary>A new key with one version (not yet saved).</summary>
    public static ManagedKey New(string? alias = null, KeyAttributes? attributes = null, DateTimeOffset? now = null,
        string? id = null)
    {
        var at = now ?? T0;
        return ManagedKey.Create(id ?? NewId(), alias, KeyPurpose.EncryptDecrypt, KeyCustody.Software, KeySpec.Aes256Gcm,
            attributes ?? new KeyAttributes(), new KeyVersion(1, KeyVersionState.Enabled, "software", Material(), at, null), at);
    }

    /// <summary>What an HSM keystore attests about a version.</summary>
    public static readonly IReadOnlyDictionary<string, string> HsmEvidence = new Dictionary<string, string>
    {
        ["pkcs11.cka_local"] = "true",
        ["pkcs11.cka_never_extractable"] = "true",
        ["token.manufacturer"] = "SoftHSM project",
        ["token.serial"] = "0f3c9a1b2c3d4e5f",
    };

    /// <summary>A key with every attribute set and three versions (on two keystores), brought into <paramref name="state"/>.</summary>
    public static ManagedKey Full(KeyState state, string? alias = "payments")
    {
        var key = ManagedKey.Create(NewId(), alias, KeyPurpose.EncryptDecrypt, KeyCustody.Hsm, KeySpec.Aes256Gcm,
            FullAttributes(), new KeyVersion(1, KeyVersionState.Enabled, "hsm-fra-1", Material(), T0, null, HsmEvidence), T0);
        var t = T0.AddDays(1).Add(Microsecond * 3);
        Check(key.Rotate(new KeyVersion(2, KeyVersionState.Enabled, "hsm-fra-1", Material(), t, null), t));
        // A time given with an offset other than UTC must come back as the same instant.
        t = t.AddDays(2).Add(Microsecond * 7).ToOffset(TimeSpan.FromHours(2));
        Check(key.Rotate(new KeyVersion(3, KeyVersionState.Enabled, "hsm-par-2", Material(), t, null), t));
        t = t.AddHours(1).Add(Microsecond * 11);
        switch (state)
        {
            case KeyState.Enabled:
                break;
            case KeyState.Disabled:
                Check(key.Disable(t));
                break;
            case KeyState.PendingDestruction:
                Check(key.Disable(t));
                Check(key.ScheduleDestruction(9, t.Add(Microsecond * 13)));
                break;
            case KeyState.Destroyed:
                Check(key.ScheduleDestruction(7, t));
                Check(key.Destroy(t.AddDays(7).Add(Microsecond * 17)));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(state));
        }
        Assert.Equal(state, key.State);
        return key;
    }

    public static void Check(Core.Errors.CustosError? error) => Assert.Null(error);
}
