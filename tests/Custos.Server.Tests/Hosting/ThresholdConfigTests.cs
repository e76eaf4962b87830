using Custos.Core.Residency;
using Custos.Core.Threshold;
using Custos.Server.Hosting;

namespace Custos.Server.Tests.Hosting;

/// <summary>An unusable threshold section stops the server from being built, with a message naming the setting.</summary>
public sealed class ThresholdConfigTests
{
    private static CustodianEndpointOptions Custodian(string name, string address = "https://10.0.0.7:7443", string country = "AT") =>
        new() { Name = name, Address = address, Location = new Location { Country = country, Operator = "wien-trust" } };

    private static ThresholdOptions Valid() => new()
    {
        CaFile = "ca.pem", ClientCertFile = "client.pem", ClientKeyFile = "client.key",
        Custodians = [Custodian("a"), Custodian("b", country: "DE"), Custodian("c", country: "FR")],
    };

    private static ServerOptions With(ThresholdOptions threshold) => new()
    {
        DataDir = Path.Combine(Path.GetTempPath(), "custos-never-created-" + Guid.NewGuid().ToString("N")),
        Tls = new TlsOptions { CertFile = "server.pem", KeyFile = "server.key" },
        Threshold = threshold,
    };

    [Fact]
    public void A_valid_section_passes()
    {
        Assert.Null(With(Valid()).Validate());
    }

    public static TheoryData<string, string> Broken => new()
    {
        { "duplicate", "threshold.custodians[1].name 'a' is used by another custodian: names are unique" },
        { "bad-name", "threshold.custodians[0].name 'Trustee AT' is not 1-64 characters of a-z, 0-9 and '-'" },
        { "http", "threshold.custodians[0].address 'http://10.0.0.7:7443' is not https://host:port" },
        { "country", "threshold.custodians[0].location.country 'EU' is not an ISO 3166-1 alpha-2 country code" },
        { "empty", "threshold.custodians lists the custodians this server may use; it is empty" },
        { "no-ca", "threshold.caFile (the CA that custodians' certificates chain to) is required" },
        { "no-client", "threshold.clientCertFile and threshold.clientKeyFile (this server's certificate for custodians) are required" },
        { "deadline", "threshold.deadlineMilliseconds is 100 to 60000" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void A_broken_section_refuses_to_start_naming_the_setting(string fault, string message)
    {
        var t = Valid();
        t = fault switch
        {
            "duplicate" => t with { Custodians = [Custodian("a"), Custodian("a")] },
            "bad-name" => t with { Custodians = [Custodian("Trustee AT")] },
            "http" => t with { Custodians = [Custodian("a", "http://10.0.0.7:7443")] },
            "country" => t with { Custodians = [Custodian("a", country: "EU")] },
            "empty" => t with { Custodians = [] },
            "no-ca" => t with { CaFile = "" },
            "no-client" => t with { ClientKeyFile = "" },
            "deadline" => t with { DeadlineMilliseconds = 10 },
            _ => t,
        };

        Assert.StartsWith(message, With(t).Validate(), StringComparison.Ordinal);
        var e = Assert.Throws<ArgumentException>(() => CustosHost.Build(With(t)));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_files_it_names_are_listed_for_the_existence_check()
    {
        Assert.Equal(["ca.pem", "client.pem", "client.key"], ThresholdServices.Files(Valid()));
    }
}
