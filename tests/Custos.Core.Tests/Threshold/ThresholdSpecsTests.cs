using Custos.Core.Errors;
using Custos.Core.Residency;
using Custos.Core.Threshold;

namespace Custos.Core.Tests.Threshold;

public sealed class ThresholdSpecsTests
{
    private static readonly CustodianInfo[] Known = [.. new[] { "a", "b", "c" }.Select(n => new CustodianInfo(n, new Location { Country = "DE", Operator = "self" }))];

    [Theory]
    [InlineData(2, "a,b,c", 2, null)]
    [InlineData(3, "a,b,c", 1, null)]
    [InlineData(1, "a,b,c", 1, "threshold.k is at least 2 (with k = 1 one custodian could unwrap alone)")]
    [InlineData(0, "a,b,c", 1, "threshold.k is at least 2 (with k = 0 one custodian could unwrap alone)")]
    [InlineData(3, "a,b", 1, "threshold.k (3) is more than the number of custodians (2)")]
    [InlineData(2, "a,x", 1, "unknown custodian 'x' (configured on this server: a, b, c)")]
    [InlineData(2, "a,b,b", 1, "threshold.custodians names custodian 'b' twice")]
    [InlineData(2, "a,b,c", 0, "threshold.minJurisdictions is 1 to k (2); it is 0")]
    [InlineData(2, "a,b,c", 3, "threshold.minJurisdictions is 1 to k (2); it is 3")]
    public void Validation_names_what_is_wrong(int k, string custodians, int min, string? expected)
    {
        var error = ThresholdSpecs.Validate(new ThresholdSpec(k, custodians.Split(','), min), Known);

        Assert.Equal(expected, error?.Message);
        if (error is not null) Assert.Equal(ErrorCode.ValidationFailed, error.Code);
    }

    [Fact]
    public void More_than_255_custodians_is_refused()
    {
        var many = Enumerable.Range(0, 256).Select(i => $"c{i}").ToArray();

        Assert.Equal("threshold.custodians names at most 255 custodians; it names 256", ThresholdSpecs.Validate(new ThresholdSpec(2, many, 1), Known)?.Message);
    }
}
