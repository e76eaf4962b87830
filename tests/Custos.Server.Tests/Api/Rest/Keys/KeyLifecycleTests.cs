using System.Net;
using Custos.Server.Tests.Support;

namespace Custos.Server.Tests.Api.Rest.Keys;

public sealed class KeyLifecycleTests : ServerTest
{
    [Fact]
    public async Task Create_is_201_with_location_and_defaults()
    {
        var response = await PostAsync(Root, "/v1/keys", new { alias = "orders", description = "order data" });
        var key = await OkAsync(response, HttpStatusCode.Created);
        var id = key.GetProperty("id").GetString()!;

        Assert.Equal($"/v1/keys/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("orders", key.GetProperty("alias").GetString());
        Assert.Equal("enabled", key.GetProperty("state").GetString());
        Assert.Equal("software", key.GetProperty("custody").GetString());
        Assert.Equal("aes-256-gcm", key.GetProperty("spec").GetString());
        Assert.Equal("confidential", key.GetProperty("classification").GetString());
        Assert.Equal(1, key.GetProperty("primaryVersion").GetInt32());
        Assert.Single(key.GetProperty("versions").EnumerateArray());
        Assert.DoesNotContain("material", (await response.Content.ReadAsStringAsync(Ct)).ToLowerInvariant());
    }

    [Fact]
    public async Task Get_by_id_and_by_alias_give_the_same_key()
    {
        var id = await CreateKeyIdAsync("billing");

        var byId = await OkAsync(await Root.GetAsync($"/v1/keys/{id}", Ct));
        var byAlias = await OkAsync(await Root.GetAsync("/v1/keys/alias/billing", Ct));

        Assert.Equal(id, byId.GetProperty("id").GetString());
        Assert.Equal(id, byAlias.GetProperty("id").GetString());
        Assert.Equal(byId.GetProperty("createdAt").GetString(), byAlias.GetProperty("createdAt").GetString());
    }

    [Fact]
    public async Task List_pages_with_next_cursor()
    {
        var created = new List<string>();
        for (int i = 0; i < 5; i++) created.Add(await CreateKeyIdAsync($"k{i}"));

        var seen = new List<string>();
        string? cursor = null;
        int pages = 0;
        do
        {
            var url = "/v1/keys?limit=2" + (cursor is null ? "" : "&after=" + cursor);
            var page = await OkAsync(await Root.GetAsync(url, Ct));
            var keys = page.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("id").GetString()!).ToList();
            Assert.InRange(keys.Count, 1, 2);
            seen.AddRange(keys);
            cursor = page.TryGetProperty("nextCursor", out var c) && c.ValueKind == System.Text.Json.JsonValueKind.String ? c.GetString() : null;
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(created.Order(StringComparer.Ordinal), seen);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("after=not-a-cursor")]
    [InlineData("limit=abc")]
    public async Task List_with_bad_paging_is_400(string query)
    {
        await ProblemAsync(await Root.GetAsync("/v1/keys?" + query, Ct), HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task Patch_changes_attributes_and_leaves_the_rest()
    {
        var id = await CreateKeyIdAsync("patchme");

        var key = await OkAsync(await PatchAsync(Root, $"/v1/keys/{id}", new
        {
            classification = "restricted",
            tags = new Dictionary<string, string> { ["team"] = "payments" },
            allowedJurisdictions = new[] { "EU", "CH" },
            rotationPeriodDays = 90,
        }));

        Assert.Equal("restricted", key.GetProperty("classification").GetString());
        Assert.Equal("payments", key.GetProperty("tags").GetProperty("team").GetString());
        Assert.Equal(["EU", "CH"], key.GetProperty("allowedJurisdictions").EnumerateArray().Select(j => j.GetString()!).ToArray());
        Assert.Equal(90, key.GetProperty("rotationPeriodDays").GetInt32());
        Assert.Equal("patchme", key.GetProperty("alias").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.String, key.GetProperty("nextRotationAt").ValueKind);
        var again = await OkAsync(await Root.GetAsync($"/v1/keys/{id}", Ct));
        Assert.Equal("restricted", again.GetProperty("classification").GetString());
    }

    [Fact]
    public async Task Patch_renames_the_alias()
    {
        var id = await CreateKeyIdAsync("old-name");

        await OkAsync(await PatchAsync(Root, "/v1/keys/alias/old-name", new { alias = "new-name" }));

        Assert.Equal(id, (await OkAsync(await Root.GetAsync("/v1/keys/alias/new-name", Ct))).GetProperty("id").GetString());
        await ProblemAsync(await Root.GetAsync("/v1/keys/alias/old-name", Ct), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Alias_conflicts_are_409()
    {
        await CreateKeyIdAsync("taken");
        var other = await CreateKeyIdAsync("free");

        await ProblemAsync(await PostAsync(Root, "/v1/keys", new { alias = "taken" }), HttpStatusCode.Conflict, "alias-already-exists");
        await ProblemAsync(await PatchAsync(Root, $"/v1/keys/{other}", new { alias = "taken" }), HttpStatusCode.Conflict, "alias-already-exists");
    }

    [Fact]
    public async Task Patch_with_unknown_classification_is_400()
    {
        var id = await CreateKeyIdAsync();

        await ProblemAsync(await PatchAsync(Root, $"/v1/keys/{id}", new { classification = "top-secret" }), HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task Rotate_makes_version_2_primary()
    {
        var id = await CreateKeyIdAsync();

        var key = await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/rotate", null));

        Assert.Equal(2, key.GetProperty("primaryVersion").GetInt32());
        Assert.Equal([1, 2], key.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()).ToArray());
    }

    [Fact]
    public async Task Disable_and_enable()
    {
        var id = await CreateKeyIdAsync();

        Assert.Equal("disabled", (await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/disable", null))).GetProperty("state").GetString());
        Assert.Equal("enabled", (await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/enable", null))).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Schedule_destruction_defaults_to_30_days_and_can_be_cancelled()
    {
        var id = await CreateKeyIdAsync();
        var before = DateTimeOffset.UtcNow;

        var scheduled = await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/schedule-destruction", null));

        Assert.Equal("pending-destruction", scheduled.GetProperty("state").GetString());
        var date = scheduled.GetProperty("destructionDate").GetDateTimeOffset();
        Assert.InRange(date, before.AddDays(30).AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(30).AddMinutes(1));

        var cancelled = await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/cancel-destruction", null));
        Assert.Equal("enabled", cancelled.GetProperty("state").GetString());
        Assert.False(cancelled.TryGetProperty("destructionDate", out var d) && d.ValueKind != System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task Schedule_destruction_with_7_days()
    {
        var id = await CreateKeyIdAsync();

        var scheduled = await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/schedule-destruction", new { pendingDays = 7 }));

        Assert.InRange(scheduled.GetProperty("destructionDate").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddDays(7).AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(7).AddMinutes(1));
    }

    [Theory]
    [InlineData(6)]
    [InlineData(31)]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task Schedule_destruction_outside_7_to_30_days_is_400(int pendingDays)
    {
        var id = await CreateKeyIdAsync();

        await ProblemAsync(await PostAsync(Root, $"/v1/keys/{id}/schedule-destruction", new { pendingDays }), HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal("enabled", (await OkAsync(await Root.GetAsync($"/v1/keys/{id}", Ct))).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_disabled_key_can_be_scheduled_and_cancelling_restores_disabled()
    {
        var id = await CreateKeyIdAsync();
        await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/disable", null));
        await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/schedule-destruction", null));

        var cancelled = await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/cancel-destruction", null));

        Assert.Equal("disabled", cancelled.GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("cancel-destruction", null)]             // nothing scheduled
    [InlineData("rotate", "disable")]                    // disabled keys do not rotate
    [InlineData("rotate", "schedule-destruction")]
    [InlineData("enable", "schedule-destruction")]
    [InlineData("disable", "schedule-destruction")]
    [InlineData("schedule-destruction", "schedule-destruction")]
    public async Task Illegal_transitions_are_409_invalid_key_state(string action, string? first)
    {
        var id = await CreateKeyIdAsync();
        if (first is not null) await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/{first}", null));

        var problem = await ProblemAsync(await PostAsync(Root, $"/v1/keys/{id}/{action}", null), HttpStatusCode.Conflict, "invalid-key-state");

        Assert.Contains(id, problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("enable", null, "enabled")]
    [InlineData("disable", "disable", "disabled")]
    public async Task Enable_and_disable_are_idempotent(string action, string? first, string state)
    {
        var id = await CreateKeyIdAsync();
        if (first is not null) await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/{first}", null));

        var key = await OkAsync(await PostAsync(Root, $"/v1/keys/{id}/{action}", null));

        Assert.Equal(state, key.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Transitions_work_by_alias()
    {
        await CreateKeyIdAsync("by-alias");

        var key = await OkAsync(await PostAsync(Root, "/v1/keys/alias/by-alias/rotate", null));

        Assert.Equal(2, key.GetProperty("primaryVersion").GetInt32());
    }
}
