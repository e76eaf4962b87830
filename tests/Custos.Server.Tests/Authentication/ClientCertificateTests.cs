using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Custos.Server.Hosting;
using Custos.Server.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Custos.Server.Tests.Authentication;

/// <summary>
/// Mutual TLS on a real server: certificates from the configured CA are mapped to principals, everything
/// else a client presents is refused at the TLS handshake, and tokens keep working.
/// </summary>
public sealed class ClientCertificateTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private readonly List<IDisposable> _disposables = [];
    // A second configured CA, made 60 days ago, so that a certificate it issued can have expired already.
    private readonly X509Certificate2 _oldCa = TestCertificates.NewCa("CN=Old client CA", daysAgo: 60);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Principals of the server: matched by subject (written differently from the certificates), by SAN, and one with an allowlist.</summary>
    private ClientCertificateOptions Config(string tlsDir) => new()
    {
        CaFiles = [Path.Combine(tlsDir, "ca.pem"), TestCertificates.WritePem(Path.Combine(tlsDir, "old-ca.pem"), _oldCa)],
        Principals =
        [
            new() { Name = "billing", Subject = "CN=billing", Roles = ["key-user"], Groups = ["payments"] },
            new() { Name = "alice", Subject = "o=EXAMPLE   bank, cn=Alice", Roles = ["reader"] },
            new() { Name = "payments", San = "uri:spiffe://example.eu/payments", Roles = ["key-user"] },
            new() { Name = "office", Subject = "CN=office", Roles = ["key-user"], AllowedNetworks = ["10.0.0.0/8"] },
        ],
    };

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync(auditLog: true, Config, Ct);

    public async ValueTask DisposeAsync()
    {
        foreach (var d in _disposables) d.Dispose();
        _oldCa.Dispose();
        await _server.DisposeAsync();
    }

    private T Keep<T>(T disposable) where T : IDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    private HttpClient CertClient(X509Certificate2 certificate, string? token = null) => Keep(_server.NewClient(token, Keep(certificate)));

    private X509Certificate2 DevCa => Keep(TestCertificates.LoadCa(_server.TlsDir));

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<string> UnauthenticatedDetailAsync(HttpResponseMessage response)
    {
        var body = await BodyAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("urn:custos:problem:unauthenticated", body.GetProperty("type").GetString());
        return body.GetProperty("detail").GetString()!;
    }

    private async Task<string> CreateKeyAsync()
    {
        var key = await BodyAsync(await _server.Root.PostAsync("/v1/keys", Json(new { }), Ct), HttpStatusCode.Created);
        return key.GetProperty("id").GetString()!;
    }

    private List<(string Operation, string Outcome, string Principal)> AuditEvents()
    {
        using var c = new SqliteConnection($"Data Source={_server.Options.DatabasePath};Pooling=False");
        c.Open();
        using var cmd = new SqliteCommand("SELECT operation, outcome, principal FROM audit_events ORDER BY idx", c);
        using var r = cmd.ExecuteReader();
        var list = new List<(string, string, string)>();
        while (r.Read()) list.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
        return list;
    }

    /// <summary>Asserts that the request fails at the TLS layer: no HTTP response, nothing audited, the reason in the server log.</summary>
    private async Task AssertRefusedAtHandshakeAsync(X509Certificate2 certificate, string loggedReason)
    {
        var eventsBefore = AuditEvents().Count;
        using var client = _server.NewClient(null, certificate);

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/v1/keys", Ct));

        var causes = new List<Exception>();
        for (Exception? x = e.InnerException; x is not null; x = x.InnerException) causes.Add(x);
        Assert.True(causes.Any(x => x is AuthenticationException or IOException), $"not a TLS failure: {e}");
        Assert.Null(e.StatusCode); // no HTTP status: the server never answered
        Assert.Equal(eventsBefore, AuditEvents().Count); // no request reached the application
        Assert.Contains(_server.Logs.Messages, m => m.Contains("refused at the TLS handshake", StringComparison.Ordinal) && m.Contains(loggedReason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_key_user_certificate_encrypts_and_decrypts_but_cannot_create_keys_and_is_audited_as_cert_name()
    {
        var key = await CreateKeyAsync();
        var billing = CertClient(TestCertificates.Issue(_server.TlsDir, "billing"));

        var encrypted = await BodyAsync(await billing.PostAsync($"/v1/keys/{key}/encrypt", Json(new { plaintext = "aGVsbG8=" }), Ct), HttpStatusCode.OK);
        var decrypted = await BodyAsync(await billing.PostAsync("/v1/decrypt",
            Json(new { ciphertextBlob = encrypted.GetProperty("ciphertextBlob").GetString() }), Ct), HttpStatusCode.OK);
        var create = await billing.PostAsync("/v1/keys", Json(new { }), Ct);

        Assert.Equal("aGVsbG8=", decrypted.GetProperty("plaintext").GetString());
        var forbidden = await BodyAsync(create, HttpStatusCode.Forbidden);
        Assert.Equal("urn:custos:problem:forbidden", forbidden.GetProperty("type").GetString());
        var events = AuditEvents();
        Assert.Contains(("data.encrypt", "allowed", "cert:billing"), events);
        Assert.Contains(("data.decrypt", "allowed", "cert:billing"), events);
        Assert.Contains(events, e => e is { Operation: "key.create", Outcome: "denied", Principal: "cert:billing" });
    }

    [Fact]
    public async Task A_certificate_from_an_unknown_CA_is_refused_at_the_TLS_handshake()
    {
        using var otherCa = TestCertificates.NewCa("CN=Some other CA");
        // Same subject as a mapped principal: only the issuer differs.
        await AssertRefusedAtHandshakeAsync(Keep(TestCertificates.Make(otherCa, "CN=billing")), "clientCertificates.caFiles does not name");
    }

    [Fact]
    public async Task A_certificate_without_the_clientAuth_usage_is_refused_at_the_TLS_handshake()
    {
        var serverAuthOnly = Keep(TestCertificates.Make(DevCa, "CN=billing", ekus: ["1.3.6.1.5.5.7.3.1"]));
        var noEku = Keep(TestCertificates.Make(DevCa, "CN=billing", ekus: []));

        await AssertRefusedAtHandshakeAsync(serverAuthOnly, "clientAuth");
        await AssertRefusedAtHandshakeAsync(noEku, "clientAuth");
    }

    [Fact]
    public async Task An_expired_certificate_is_refused_at_the_TLS_handshake()
    {
        var now = DateTimeOffset.UtcNow;
        var expired = Keep(TestCertificates.Make(_oldCa, "CN=billing", notBefore: now.AddDays(-30), notAfter: now.AddDays(-1)));
        var current = CertClient(TestCertificates.Make(_oldCa, "CN=billing"));

        await AssertRefusedAtHandshakeAsync(expired, "expired or not yet valid");
        await BodyAsync(await current.GetAsync("/v1/keys", Ct), HttpStatusCode.OK); // the same CA's valid certificate is fine
    }

    [Fact]
    public async Task A_valid_certificate_mapped_to_no_principal_is_401_saying_so()
    {
        var mallory = CertClient(TestCertificates.Issue(_server.TlsDir, "mallory"));

        var detail = await UnauthenticatedDetailAsync(await mallory.GetAsync("/v1/keys", Ct));

        Assert.Contains("'CN=mallory'", detail, StringComparison.Ordinal);
        Assert.Contains("not mapped to a principal", detail, StringComparison.Ordinal);
        Assert.Contains(AuditEvents(), e => e is { Operation: "http.get", Outcome: "denied", Principal: "anonymous" });
    }

    [Fact]
    public async Task A_uri_subject_alternative_name_maps_to_its_principal()
    {
        var key = await CreateKeyAsync();
        var payments = CertClient(TestCertificates.Make(DevCa, "CN=payments-7f3a, OU=workloads", sans: ["dns:payments.internal", "uri:spiffe://example.eu/payments"]));
        var lookalike = CertClient(TestCertificates.Make(DevCa, "CN=payments-evil", sans: ["uri:spiffe://example.eu/payments/evil"]));

        await BodyAsync(await payments.PostAsync($"/v1/keys/{key}/encrypt", Json(new { plaintext = "aGVsbG8=" }), Ct), HttpStatusCode.OK);
        Assert.Contains("not mapped", await UnauthenticatedDetailAsync(await lookalike.GetAsync("/v1/keys", Ct)), StringComparison.Ordinal);

        Assert.Contains(("data.encrypt", "allowed", "cert:payments"), AuditEvents());
    }

    [Fact]
    public async Task Subject_matching_ignores_how_the_distinguished_name_is_written()
    {
        // Configured as "o=EXAMPLE   bank, cn=Alice": other order, case and spacing than the certificate's subject.
        var alice = CertClient(TestCertificates.Make(DevCa, "CN=alice, O=Example Bank"));
        var partial = CertClient(TestCertificates.Make(DevCa, "CN=alice"));

        await BodyAsync(await alice.GetAsync("/v1/keys", Ct), HttpStatusCode.OK);
        Assert.Contains("not mapped", await UnauthenticatedDetailAsync(await partial.GetAsync("/v1/keys", Ct)), StringComparison.Ordinal);

        Assert.Contains(("key.list", "allowed", "cert:alice"), AuditEvents());
    }

    [Fact]
    public async Task A_certificate_principal_outside_its_allowed_networks_is_401()
    {
        var office = CertClient(TestCertificates.Issue(_server.TlsDir, "office"));

        var detail = await UnauthenticatedDetailAsync(await office.GetAsync("/v1/keys", Ct));

        Assert.Contains("'cert:office' may not be used from this network address", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_still_work_and_win_over_a_certificate_when_both_are_sent()
    {
        var key = await CreateKeyAsync();
        var reader = await BodyAsync(await _server.Root.PostAsync("/v1/tokens", Json(new { name = "reader", roles = new[] { "reader" } }), Ct), HttpStatusCode.Created);
        var readerToken = reader.GetProperty("token").GetString()!;
        var readerWithBillingCert = CertClient(TestCertificates.Issue(_server.TlsDir, "billing"), readerToken);

        await BodyAsync(await _server.Root.GetAsync("/v1/keys", Ct), HttpStatusCode.OK);
        var anonymous = await UnauthenticatedDetailAsync(await _server.Anonymous.GetAsync("/v1/keys", Ct));
        var encrypt = await readerWithBillingCert.PostAsync($"/v1/keys/{key}/encrypt", Json(new { plaintext = "aGVsbG8=" }), Ct);

        Assert.Contains("token or client certificate", anonymous, StringComparison.Ordinal);
        await BodyAsync(encrypt, HttpStatusCode.Forbidden); // the reader token decided, not the key-user certificate
        Assert.Contains(AuditEvents(), e => e.Operation == "data.encrypt" && e.Outcome == "denied" && e.Principal.StartsWith("token:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Policy_explain_knows_certificate_principals_with_their_roles_and_groups()
    {
        var key = await CreateKeyAsync();
        var (explained, unknown) = (
            await _server.Root.PostAsync("/v1/policy/explain", Json(new { principal = "cert:billing", operation = "decrypt", key }), Ct),
            await _server.Root.PostAsync("/v1/policy/explain", Json(new { principal = "cert:mallory", operation = "decrypt", key }), Ct));
        var e = await BodyAsync(explained, HttpStatusCode.OK);
        Assert.Equal("allow", e.GetProperty("decision").GetString());
        Assert.Equal("key-users-use", e.GetProperty("rule").GetString());
        Assert.Equal("cert:billing", e.GetProperty("principal").GetString());
        Assert.Contains("no principal 'cert:mallory'", (await BodyAsync(unknown, HttpStatusCode.NotFound)).GetProperty("detail").GetString());
    }
}
