using System.CommandLine;
using Custos.Cli.Http;
using Custos.Server.Api.Rest;
using Custos.Server.Api.Rest.Keys;

namespace Custos.Cli.Commands;

/// <summary><c>custos keys ...</c>: the key inventory and lifecycle.</summary>
public static class KeysCommands
{
    /// <summary>Builds the command group.</summary>
    public static Command Create()
    {
        var keys = new Command("keys", "Create, list, show and manage keys. KEY is a key id or alias/NAME.");
        keys.Subcommands.Add(CreateKeyCommand());
        keys.Subcommands.Add(ListCommand());
        keys.Subcommands.Add(UpdateCommand());
        keys.Subcommands.Add(Simple("show", "Show a key", (api, key, ct) => api.GetAsync(KeyPath(key), ApiJsonContext.Default.KeyResponse, ct)));
        foreach (var (action, help) in new[]
        {
            ("rotate", "Rotate: a new primary version; older versions still decrypt"),
            ("enable", "Enable a disabled key"),
            ("disable", "Disable a key: no encrypt or decrypt until enabled"),
            ("cancel-destruction", "Cancel a scheduled destruction"),
        })
        {
            keys.Subcommands.Add(Simple(action, help, (api, key, ct) => api.PostAsync(KeyPath(key) + "/" + action, ApiJsonContext.Default.KeyResponse, ct)));
        }
        keys.Subcommands.Add(ScheduleDestructionCommand());
        keys.Subcommands.Add(ReshareCommand());
        return keys;
    }

    /// <summary>The API path of a key given as an id or alias/NAME.</summary>
    public static string KeyPath(string key) =>
        key.StartsWith("alias/", StringComparison.Ordinal)
            ? "v1/keys/alias/" + Uri.EscapeDataString(key["alias/".Length..])
            : "v1/keys/" + Uri.EscapeDataString(key);

    private static Command Simple(string name, string help, Func<CustosApi, string, CancellationToken, Task<KeyResponse>> call)
    {
        var key = new Argument<string>("KEY") { Description = "Key id or alias/NAME" };
        var cmd = new Command(name, help) { key };
        cmd.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            Print(await call(api, p.GetValue(key)!, ct), p);
            return 0;
        });
        return cmd;
    }

    private static Command ScheduleDestructionCommand()
    {
        var key = new Argument<string>("KEY") { Description = "Key id or alias/NAME" };
        var days = new Option<int>("--pending-days") { Description = "Waiting period, 7 to 30 days", DefaultValueFactory = _ => 30 };
        var cmd = new Command("schedule-destruction", "Schedule destruction after a waiting period; the key is unusable meanwhile and the destruction can be cancelled") { key, days };
        cmd.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            var k = await api.SendAsync(HttpMethod.Post, KeyPath(p.GetValue(key)!) + "/schedule-destruction",
                new KeyTransitions.ScheduleDestructionRequest(p.GetValue(days)), ApiJsonContext.Default.ScheduleDestructionRequest, ApiJsonContext.Default.KeyResponse, ct);
            Print(k, p);
            return 0;
        });
        return cmd;
    }

    private sealed record AttributeOptions(
        Option<string?> Description, Option<string?> Owner, Option<string?> Classification, Option<string[]> Categories,
        Option<string[]> Jurisdictions, Option<int?> Retention, Option<int?> Rotation, Option<string[]> Tags)
    {
        public static AttributeOptions Make() => new(
            new("--description") { Description = "Free text" },
            new("--owner") { Description = "Owner (team, person or system)" },
            new("--classification") { Description = "public, internal, confidential (default), restricted, secret" },
            new("--data-category") { Description = "Data category protected by the key (repeat)" },
            new("--jurisdiction") { Description = "Allowed jurisdiction: ISO 3166-1 alpha-2 code or EU/EEA (repeat)" },
            new("--retention-days") { Description = "Retention period in days" },
            new("--rotation-days") { Description = "Automatic rotation period in days" },
            new("--tag") { Description = "Tag key=value (repeat)" });

        /// <summary>The attribute values given on the command line (null when not given).</summary>
        public UpdateKey.Request Read(ParseResult p) => new(
            Description: p.GetValue(Description), Owner: p.GetValue(Owner), Classification: p.GetValue(Classification),
            DataCategories: NullIfEmpty(p.GetValue(Categories)), AllowedJurisdictions: NullIfEmpty(p.GetValue(Jurisdictions)),
            RetentionDays: p.GetValue(Retention), RotationPeriodDays: p.GetValue(Rotation),
            Tags: p.GetValue(Tags) is { Length: > 0 } t ? Globals.Pairs(t, "tag") : null);

        public void AddTo(Command c)
        {
            foreach (Option o in new Option[] { Description, Owner, Classification, Categories, Jurisdictions, Retention, Rotation, Tags }) c.Options.Add(o);
        }
    }

    private static Command CreateKeyCommand()
    {
        var alias = new Option<string?>("--alias") { Description = "Alias NAME (the key is then also alias/NAME)" };
        var custody = new Option<string?>("--custody") { Description = "software, hsm, threshold, remote (default: the server's defaultCustody, software unless configured)" };
        var threshold = ThresholdOptions.Make();
        var attrs = AttributeOptions.Make();
        var cmd = new Command("create", "Create a key; a threshold key: --custody threshold --threshold K --custodians a,b,c [--min-jurisdictions M]") { alias, custody };
        threshold.AddTo(cmd);
        attrs.AddTo(cmd);
        cmd.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            var a = attrs.Read(p);
            var t = threshold.Read(p);
            var split = t.K is null && t.Custodians is null && t.MinJurisdictions is null ? null : new CreateKey.ThresholdParameters(t.K, t.Custodians, t.MinJurisdictions);
            var body = new CreateKey.Request(StripAlias(p.GetValue(alias)), a.Description, a.Owner, p.GetValue(custody), null,
                a.Classification, a.DataCategories, a.AllowedJurisdictions, a.RetentionDays, a.RotationPeriodDays, a.Tags, split);
            Print(await api.SendAsync(HttpMethod.Post, "v1/keys", body, ApiJsonContext.Default.CreateKeyRequest, ApiJsonContext.Default.KeyResponse, ct), p);
            return 0;
        });
        return cmd;
    }

    private sealed record ThresholdOptions(Option<int?> K, Option<string?> Custodians, Option<int?> MinJurisdictions)
    {
        public static ThresholdOptions Make() => new(
            new("--threshold") { Description = "Threshold key: k, how many custodians it takes to unwrap (at least 2)" },
            new("--custodians") { Description = "Threshold key: the custodians to hold shares, comma-separated (names from the server's threshold configuration)" },
            new("--min-jurisdictions") { Description = "Threshold key: fewest distinct jurisdictions among any k custodians (default 1)" });

        /// <summary>The values given (null when not given).</summary>
        public ReshareKey.Request Read(ParseResult p) => new(p.GetValue(K),
            p.GetValue(Custodians) is { } list ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : null,
            p.GetValue(MinJurisdictions));

        public void AddTo(Command c)
        {
            foreach (Option o in new Option[] { K, Custodians, MinJurisdictions }) c.Options.Add(o);
        }
    }

    private static Command ReshareCommand()
    {
        var key = new Argument<string>("KEY") { Description = "Key id or alias/NAME" };
        var version = new Option<int>("--version") { Description = "The version to reshare", Required = true };
        var threshold = ThresholdOptions.Make();
        var cmd = new Command("reshare",
            "Reshare a version of a threshold key to the same or other custodians and threshold (omitted options are kept); its public key does not change, "
            + "so data wrapped before still decrypts, and the old shares become useless") { key, version };
        threshold.AddTo(cmd);
        cmd.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            var k = await api.SendAsync(HttpMethod.Post, KeyPath(p.GetValue(key)!) + $"/versions/{p.GetValue(version)}/reshare",
                threshold.Read(p), ApiJsonContext.Default.ReshareKeyRequest, ApiJsonContext.Default.KeyResponse, ct);
            Print(k, p);
            return 0;
        });
        return cmd;
    }

    private static Command UpdateCommand()
    {
        var key = new Argument<string>("KEY") { Description = "Key id or alias/NAME" };
        var alias = new Option<string?>("--alias") { Description = "New alias NAME (\"\" removes it)" };
        var attrs = AttributeOptions.Make();
        var cmd = new Command("update", "Edit a key's alias and inventory attributes (only the options given change)") { key, alias };
        attrs.AddTo(cmd);
        cmd.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            var a = attrs.Read(p);
            var body = new UpdateKey.Request(StripAlias(p.GetValue(alias)), a.Description, a.Owner,
                a.Classification, a.DataCategories, a.AllowedJurisdictions, a.RetentionDays, a.RotationPeriodDays, a.Tags);
            Print(await api.SendAsync(HttpMethod.Patch, KeyPath(p.GetValue(key)!), body, ApiJsonContext.Default.UpdateKeyRequest, ApiJsonContext.Default.KeyResponse, ct), p);
            return 0;
        });
        return cmd;
    }

    private static Command ListCommand()
    {
        var cmd = new Command("list", "List every key");
        cmd.OnRun(async (p, ct) =>
        {
            using var api = Globals.Api(p);
            var all = new List<KeyResponse>();
            string? cursor = null;
            do
            {
                var page = await api.GetAsync("v1/keys?limit=500" + (cursor is null ? "" : "&after=" + Uri.EscapeDataString(cursor)), ApiJsonContext.Default.KeyListResponse, ct);
                all.AddRange(page.Keys);
                cursor = page.NextCursor;
            }
            while (cursor is not null);
            if (p.GetValue(Globals.Json)) { Globals.PrintJson(new KeyListResponse(all, null), ApiJsonContext.Default.KeyListResponse); return 0; }
            Console.WriteLine($"{"ID",-36}  {"ALIAS",-24} {"STATE",-19} {"CUSTODY",-9} {"CLASS",-12} VERSION");
            foreach (var k in all)
                Console.WriteLine($"{k.Id,-36}  {k.Alias ?? "-",-24} {k.State,-19} {k.Custody,-9} {k.Classification,-12} {k.PrimaryVersion}");
            Console.WriteLine($"{all.Count} key(s)");
            return 0;
        });
        return cmd;
    }

    private static string? StripAlias(string? alias) =>
        alias is not null && alias.StartsWith("alias/", StringComparison.Ordinal) ? alias["alias/".Length..] : alias;

    private static string[]? NullIfEmpty(string[]? values) => values is { Length: > 0 } ? values : null;

    /// <summary>Prints a key as text (or JSON with --json).</summary>
    public static void Print(KeyResponse k, ParseResult p)
    {
        if (p.GetValue(Globals.Json)) { Globals.PrintJson(k, ApiJsonContext.Default.KeyResponse); return; }
        Console.WriteLine($"Key:              {k.Id}");
        Console.WriteLine($"Alias:            {(k.Alias is null ? "-" : "alias/" + k.Alias)}");
        Console.WriteLine($"State:            {k.State}{(k.DestructionDate is { } d ? $" (destruction on {d:u})" : "")}");
        Console.WriteLine($"Purpose:          {k.Purpose} ({k.Spec})");
        Console.WriteLine($"Custody:          {k.Custody}");
        Console.WriteLine($"Classification:   {k.Classification}");
        Console.WriteLine($"Owner:            {k.Owner}");
        if (k.Description.Length > 0) Console.WriteLine($"Description:      {k.Description}");
        if (k.DataCategories.Count > 0) Console.WriteLine($"Data categories:  {string.Join(", ", k.DataCategories)}");
        if (k.AllowedJurisdictions.Count > 0) Console.WriteLine($"Jurisdictions:    {string.Join(", ", k.AllowedJurisdictions)}");
        if (k.RetentionDays is { } r) Console.WriteLine($"Retention:        {r} days");
        Console.WriteLine($"Rotation:         {(k.RotationPeriodDays is { } rp ? $"every {rp} days, next {k.NextRotationAt:u}" : "manual")}");
        foreach (var (tk, tv) in k.Tags) Console.WriteLine($"Tag:              {tk}={tv}");
        Console.WriteLine($"Created:          {k.CreatedAt:u}");
        Console.WriteLine($"Primary version:  {k.PrimaryVersion}");
        foreach (var v in k.Versions)
        {
            Console.WriteLine($"  v{v.Version,-4} {v.State,-10} {v.Keystore,-10} created {v.CreatedAt:u}{(v.DestroyedAt is { } x ? $", destroyed {x:u}" : "")}");
            if (v.Threshold is { } t)
            {
                Console.WriteLine($"        {t.K} of {t.N} custodians, any {t.K} in at least {t.MinJurisdictions} jurisdiction(s); group {t.GroupFingerprint[..16]}");
                Console.WriteLine($"        public key {t.PublicKey}");
                Console.WriteLine($"        custodians: {string.Join(", ", t.Custodians.Select(c => $"{c.Index}:{c.Name}{(c.Country is null ? "" : $" ({c.Country})")}"))}");
            }
            else if (v.Evidence is { } e) Console.WriteLine($"        {Evidence(e)}");
        }
    }

    private static readonly string[] TokenFacts = ["token.manufacturer", "token.model"];

    /// <summary>One line of what the keystore attested: the PKCS#11 attributes that matter and the token.</summary>
    private static string Evidence(IReadOnlyDictionary<string, string> e)
    {
        string Flag(string name, string label) => e.TryGetValue(name, out var v) ? (v == "true" ? label : "NOT " + label) : "";
        var flags = new[] { Flag("pkcs11.cka_local", "generated in the HSM"), Flag("pkcs11.cka_never_extractable", "never extractable"), Flag("pkcs11.cka_always_sensitive", "always sensitive") }
            .Where(f => f.Length > 0);
        var token = string.Join(' ', TokenFacts.Select(k => e.GetValueOrDefault(k, "")).Where(x => x.Length > 0));
        var serial = e.TryGetValue("token.serial", out var s) ? $" serial {s}" : "";
        return $"{string.Join(", ", flags)}{(token.Length > 0 ? $"; {token}{serial}" : "")}";
    }
}
