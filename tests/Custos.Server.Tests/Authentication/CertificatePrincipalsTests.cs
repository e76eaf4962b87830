using System.Net;
using System.Security.Cryptography.X509Certificates;
using Custos.Core.Errors;
using Custos.Server.Authentication;
using Custos.Server.Hosting;
using Custos.Server.Tests.Support;

namespace Custos.Server.Tests.Authentication;

/// <summary>Mapping a validated certificate to its principal, without a server: SAN kinds, ambiguity, networks, the public key.</summary>
public sealed class CertificatePrincipalsTests : IDisposable
{
    private readonly X509Certificate2 _ca = TestCertificates.NewCa("CN=Client CA");

    public void Dispose() => _ca.Dispose();

    private static CertificatePrincipals Map(params CertificatePrincipalOptions[] entries)
    {
        var created = CertificatePrincipals.Create(entries);
        Assert.True(created.IsSuccess, created.Error?.Message);
        return created.Value;
    }

    [Fact]
    public void Dns_and_email_names_match_whatever_their_case_and_uris_only_exactly()
    {
        var map = Map(
            new() { Name = "web", San = "dns:Web.Example.EU", Roles = ["reader"] },
            new() { Name = "mail", San = "email:Ops@Example.eu", Roles = ["auditor"] },
            new() { Name = "job", San = "uri:spiffe://example.eu/Job", Roles = ["key-user"] });
        using var web = TestCertificates.Make(_ca, "CN=x1", sans: ["dns:web.example.eu"]);
        using var mail = TestCertificates.Make(_ca, "CN=x2", sans: ["email:ops@example.eu"]);
        using var job = TestCertificates.Make(_ca, "CN=x3", sans: ["uri:spiffe://example.eu/Job"]);
        using var jobOtherCase = TestCertificates.Make(_ca, "CN=x4", sans: ["uri:spiffe://example.eu/job"]);

        Assert.Equal("cert:web", map.Resolve(web, IPAddress.Loopback).Value.Id);
        Assert.Equal("cert:mail", map.Resolve(mail, IPAddress.Loopback).Value.Id);
        var resolvedJob = map.Resolve(job, IPAddress.Loopback).Value;
        Assert.Equal(("cert:job", "job"), (resolvedJob.Id, resolvedJob.Name));
        Assert.Equal(["key-user"], resolvedJob.Roles);
        Assert.Equal(ErrorCode.Unauthenticated, map.Resolve(jobOtherCase, IPAddress.Loopback).Error!.Code);
    }

    [Fact]
    public void A_certificate_matching_two_entries_is_refused_naming_both()
    {
        var map = Map(
            new() { Name = "by-subject", Subject = "CN=svc", Roles = ["reader"] },
            new() { Name = "by-san", San = "dns:svc.example.eu", Roles = ["key-admin"] });
        using var both = TestCertificates.Make(_ca, "CN=svc", sans: ["dns:svc.example.eu"]);

        var error = map.Resolve(both, IPAddress.Loopback).Error!;

        Assert.Equal(ErrorCode.Unauthenticated, error.Code);
        Assert.Contains("matches more than one principal (by-subject, by-san)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_principal_carries_groups_and_the_certificates_public_key_and_its_networks_are_enforced()
    {
        var map = Map(new CertificatePrincipalOptions { Name = "alice", Subject = "CN=alice", Roles = ["approver"], Groups = ["payments-approvers"], AllowedNetworks = ["10.0.0.0/8"] });
        using var alice = TestCertificates.Make(_ca, "CN=alice");

        var inside = map.Resolve(alice, IPAddress.Parse("::ffff:10.1.2.3")).Value;
        var outside = map.Resolve(alice, IPAddress.Parse("192.0.2.1")).Error!;
        var unknown = map.Resolve(alice, null).Error!;

        Assert.Equal(["payments-approvers"], inside.Groups);
        Assert.Equal(alice.PublicKey.ExportSubjectPublicKeyInfo(), inside.PublicKey);
        Assert.Equal(ErrorCode.Unauthenticated, outside.Code);
        Assert.Equal(ErrorCode.Unauthenticated, unknown.Code);
    }
}
