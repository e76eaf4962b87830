using System.Text.Json;

namespace Custos.Crypto.Tests;

/// <summary>
/// Finds the shared known-answer test vectors, which live outside the repository on purpose:
/// walk up from <see cref="AppContext.BaseDirectory"/> to the folder holding <c>Custos.slnx</c>,
/// then <c>../shared/testvectors</c>. A missing folder or file fails the test with a message saying
/// where it looked; it never skips. Self-contained so other test projects can copy it.
/// </summary>
public static class TestVectors
{
    /// <summary>The file that marks the repository root.</summary>
    public const string SolutionFile = "Custos.slnx";

    private static readonly Lazy<string> RootDirectory = new(FindRoot);

    /// <summary>Full path of the test-vector folder.</summary>
    public static string Root => RootDirectory.Value;

    /// <summary>Full path of a file under the test-vector folder, e.g. <c>wycheproof/aes_gcm_test.json</c>.</summary>
    public static string PathOf(string relativePath)
    {
        string path = Path.GetFullPath(Path.Combine(Root, relativePath));
        if (!File.Exists(path))
            throw new FileNotFoundException($"test vector file '{relativePath}' not found at {path}", path);
        return path;
    }

    /// <summary>Parses a JSON file under the test-vector folder.</summary>
    public static JsonDocument LoadJson(string relativePath) => JsonDocument.Parse(File.ReadAllBytes(PathOf(relativePath)));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, SolutionFile))) continue;
            string vectors = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "testvectors"));
            if (!Directory.Exists(vectors))
                throw new DirectoryNotFoundException(
                    $"test vectors not found: expected {vectors} (../shared/testvectors next to the repository root {dir.FullName}). " +
                    "They are kept outside the repository; provide them, do not skip these tests.");
            return vectors;
        }
        throw new DirectoryNotFoundException(
            $"no {SolutionFile} found in {AppContext.BaseDirectory} or any parent, so ../shared/testvectors cannot be located");
    }
}
