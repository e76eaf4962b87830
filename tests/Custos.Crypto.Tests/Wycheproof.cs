using System.Text.Json;

namespace Custos.Crypto.Tests;

/// <summary>One Wycheproof test case with its group's parameters.</summary>
internal sealed class WycheproofCase(JsonElement group, JsonElement test)
{
    public int TcId => test.GetProperty("tcId").GetInt32();
    public string Result => test.GetProperty("result").GetString()!;
    public bool IsValid => Result == "valid";
    public bool IsInvalid => Result == "invalid";
    public bool IsAcceptable => Result == "acceptable";
    public IReadOnlyList<string> Flags => [.. test.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!)];
    public byte[] Hex(string field) => Convert.FromHexString(test.GetProperty(field).GetString()!);
    public int Int(string field) => test.GetProperty(field).GetInt32();
    public int GroupInt(string field) => group.GetProperty(field).GetInt32();
    public override string ToString() =>
        $"tcId {TcId} [{Result}; {string.Join(",", Flags)}] {test.GetProperty("comment").GetString()}";
}

/// <summary>Loads a Wycheproof file and runs every case, collecting failures so one run names every failing tcId.</summary>
internal static class Wycheproof
{
    /// <summary>
    /// Runs <paramref name="check"/> over every case of <paramref name="file"/> (under wycheproof/).
    /// <paramref name="check"/> returns null when the case passes, or why it failed. Asserts that
    /// the number of cases run equals the file's numberOfTests and that none failed.
    /// </summary>
    public static void RunAll(string file, Func<WycheproofCase, string?> check)
    {
        using var doc = TestVectors.LoadJson(Path.Combine("wycheproof", file));
        int declared = doc.RootElement.GetProperty("numberOfTests").GetInt32();
        int run = 0;
        var failures = new List<string>();
        foreach (var group in doc.RootElement.GetProperty("testGroups").EnumerateArray())
        {
            foreach (var test in group.GetProperty("tests").EnumerateArray())
            {
                var c = new WycheproofCase(group, test);
                run++;
                string? failure;
                try { failure = check(c); }
                catch (Exception e) { failure = $"threw {e.GetType().Name}: {e.Message}"; }
                if (failure is not null) failures.Add($"{c}: {failure}");
            }
        }
        if (failures.Count > 0)
            Assert.Fail($"{file}: {failures.Count} of {run} cases failed:\n" + string.Join("\n", failures));
        Assert.Equal(declared, run);
    }

    /// <summary>null when <paramref name="action"/> throws exactly <typeparamref name="T"/>, else a description.</summary>
    public static string? Throws<T>(Action action) where T : Exception
    {
        try { action(); }
        catch (Exception e) when (e.GetType() == typeof(T)) { return null; }
        catch (Exception e) { return $"expected {typeof(T).Name}, got {e.GetType().Name}: {e.Message}"; }
        return $"expected {typeof(T).Name}, nothing thrown";
    }

    public static string Hex(ReadOnlySpan<byte> b) => Convert.ToHexString(b);
}
