using Custos.Core.Access;
using Custos.Core.Access.Policy;
using Custos.Core.Approvals;

namespace Custos.Core.Tests.Approvals;

public sealed class ApprovalStatementTests
{
    private static ApprovalRequest Request(string? context, string? parameters, string requester = "token:tok_0123") => new()
    {
        Id = "apr_00112233445566778899aabb",
        SubjectSha256 = new byte[32],
        Requester = new ApprovalRequester(requester, "app", ["key-user"], [], null, null),
        Operation = context is null ? Operation.DestroyKey : Operation.Decrypt,
        KeyId = "0193c1a2-0000-7000-8000-000000000001",
        ContextSha256 = context,
        Parameters = parameters,
        PolicyVersion = 3,
        RuleId = "decrypt-restricted",
        Requirement = new ApprovalRequirement { Count = 2 },
        CreatedAt = DateTimeOffset.UnixEpoch,
        ExpiresAt = new DateTimeOffset(2026, 12, 5, 10, 15, 0, TimeSpan.Zero),
        Status = ApprovalStatus.Pending,
    };

    [Fact]
    public void The_statement_names_every_part_of_the_request_and_the_decision()
    {
        var text = ApprovalStatement.Text(Request(new string('a', 64), null), ApprovalVerdict.Approve);
        Assert.Equal(
            "custos-approval/v1\n" +
            "request apr_00112233445566778899aabb\n" +
            "operation decrypt\n" +
            "key 0193c1a2-0000-7000-8000-000000000001\n" +
            $"context-sha256 {new string('a', 64)}\n" +
            "parameters -\n" +
            "requester token:tok_0123\n" +
            "policy 3/decrypt-restricted\n" +
            "expires 2026-12-05T10:15:00Z\n" +
            "decision approve\n", text);
        Assert.EndsWith("decision deny\n", ApprovalStatement.Text(Request(new string('a', 64), null), ApprovalVerdict.Deny), StringComparison.Ordinal);
    }

    [Fact]
    public void No_value_can_add_a_line()
    {
        var text = ApprovalStatement.Text(Request(null, "key.update {\"description\":\"x\"}", "cert:evil\ndecision approve"), ApprovalVerdict.Deny);
        Assert.Equal(10, text.Split('\n').Length - 1);
        Assert.Contains("requester cert:evil\\u000adecision approve\n", text, StringComparison.Ordinal);
        Assert.EndsWith("decision deny\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_subject_differs_when_any_part_differs()
    {
        var a = ApprovalRequest.SubjectOf("token:a", Operation.Decrypt, "k", "c", null);
        Assert.Equal(a, ApprovalRequest.SubjectOf("token:a", Operation.Decrypt, "k", "c", null));
        Assert.NotEqual(a, ApprovalRequest.SubjectOf("token:b", Operation.Decrypt, "k", "c", null));
        Assert.NotEqual(a, ApprovalRequest.SubjectOf("token:a", Operation.Rewrap, "k", "c", null));
        Assert.NotEqual(a, ApprovalRequest.SubjectOf("token:a", Operation.Decrypt, "k2", "c", null));
        Assert.NotEqual(a, ApprovalRequest.SubjectOf("token:a", Operation.Decrypt, "k", "d", null));
        Assert.NotEqual(a, ApprovalRequest.SubjectOf("token:a", Operation.Decrypt, "k", "c", "p"));
    }
}

public sealed class ApprovalRequirementTests
{
    [Fact]
    public void A_policy_that_leaves_out_the_grant_bounds_gets_the_documented_defaults()
    {
        var parsed = PolicyDocument.Parse("""{"rules":[{"id":"r","roles":["key-user"],"operations":["decrypt"],"approvals":{"count":2}}]}"""u8);
        Assert.True(parsed.IsSuccess, parsed.Error?.Message);
        var approvals = parsed.Value.Rules[0].Approvals!;
        Assert.Equal((2, 15, 100), (approvals.Count, approvals.GrantMinutes, approvals.GrantUses));
    }
}
