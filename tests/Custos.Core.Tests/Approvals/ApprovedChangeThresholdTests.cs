using Custos.Core.Approvals;
using Custos.Core.Keys;
using Custos.Core.Service;
using Custos.Core.Threshold;

namespace Custos.Core.Tests.Approvals;

/// <summary>An approval of a threshold key's creation or resharing names its whole split; other creates read as before.</summary>
public sealed class ApprovedChangeThresholdTests
{
    private static CreateKeyCommand Command(ThresholdSpec? threshold) =>
        new("vault", threshold is null ? KeyCustody.Software : KeyCustody.Threshold, KeyPurpose.EncryptDecrypt, KeySpec.Aes256Gcm,
            new KeyAttributes { Owner = "ops" }, threshold);

    [Fact]
    public void A_create_without_threshold_has_no_threshold_member()
    {
        Assert.DoesNotContain("threshold\":", ApprovedChange.Describe(Command(null)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_threshold_create_states_k_custodians_and_min_jurisdictions()
    {
        var text = ApprovedChange.Describe(Command(new ThresholdSpec(2, ["a", "b", "c"], 2)));

        Assert.EndsWith(",\"threshold\":{\"k\":2,\"custodians\":[\"a\",\"b\",\"c\"],\"minJurisdictions\":2}}", text, StringComparison.Ordinal);
        Assert.True(ApprovedChange.IsRunnable(text));
    }

    [Fact]
    public void A_resharing_states_the_version_and_the_split_and_is_runnable()
    {
        var text = ApprovedChange.DescribeReshare(3, new ThresholdSpec(3, ["a", "b", "d"], 1));

        Assert.Equal("key.reshare {\"version\":3,\"threshold\":{\"k\":3,\"custodians\":[\"a\",\"b\",\"d\"],\"minJurisdictions\":1}}", text);
        Assert.True(ApprovedChange.IsRunnable(text));
    }
}
