using Custos.Core.Access;
using Custos.Core.Audit;

namespace Custos.Core.Tests.Audit;

public sealed class AuditEventTests
{
    private static readonly DateTimeOffset Time = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_event_without_justification_text_has_the_leaf_data_it_had_before_that_member_existed()
    {
        var e = AuditEvent.For(Time, "n1", "token:tok_1", new RequestInfo("r1", "192.0.2.7", new Justification("scheduled-job", null)),
            "data.decrypt", AuditOutcome.Allowed, null) with { KeyId = "key_1", KeyVersion = 2 };
        const string Before = """{"time":"2026-12-01T09:00:00+00:00","node":"n1","principal":"token:tok_1","operation":"data.decrypt","keyId":"key_1","keyVersion":2,"outcome":"allowed","justification":"scheduled-job","requestId":"r1","clientAddress":"192.0.2.7"}""";
        Assert.Equal(Before, System.Text.Encoding.UTF8.GetString(e.ToLeafData()));
    }

    [Fact]
    public void Justification_text_is_the_last_member_and_round_trips()
    {
        var e = AuditEvent.For(Time, "n1", "token:tok_1", new RequestInfo("r1", null, new Justification("legal-request", "Order 2026/17")),
            "data.decrypt", AuditOutcome.Allowed, null);
        var json = System.Text.Encoding.UTF8.GetString(e.ToLeafData());
        Assert.EndsWith(""","justificationText":"Order 2026/17"}""", json, StringComparison.Ordinal);
        var back = AuditEvent.FromLeafData(e.ToLeafData());
        Assert.Equal(("legal-request", "Order 2026/17"), (back?.Justification, back?.JustificationText));
    }
}
