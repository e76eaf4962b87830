using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Custos.Client;

/// <summary>
/// Where a <see cref="CustosClient"/> connects and how: address, TLS trust, credentials, timeouts and retries.
/// Only idempotent calls are retried: generate-data-key (a lost answer only wastes a data key) and decrypt.
/// Encrypt (used to add wrapped copies) is sent once.
/// </summary>
public sealed class CustosClientOptions
{
    /// <summary>The server, e.g. <c>https://kms.example.eu:8200/</c>.</summary>
    public required Uri Address { get; init; }

    /// <summary>Bearer token (<c>Authorization: Bearer ...</c>); optional when a client certificate is used.</summary>
    public string? Token { get; init; }

    /// <summary>PEM file of the CA(s) to trust for the server certificate instead of the system store.</summary>
    public string? CaCertificateFile { get; init; }

    /// <summary>CA certificates to trust for the server certificate instead of the system store.</summary>
    public X509Certificate2Collection? CaCertificates { get; init; }

    /// <summary>
    /// Custom validation of the server certificate; replaces both the system store and the CA options.
    /// Arguments: certificate, chain built by the platform, policy errors; return true to accept.
    /// </summary>
    public Func<X509Certificate2, X509Chain?, SslPolicyErrors, bool>? ServerCertificateValidation { get; init; }

    /// <summary>Client certificate (with its private key) for mutual TLS.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Intermediate CA certificates sent along with <see cref="ClientCertificate"/>.</summary>
    public X509Certificate2Collection? ClientCertificateChain { get; init; }

    /// <summary>Time allowed for one attempt of one call (default 30 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed to open a connection (default 10 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of an idempotent call after a transient failure (default 3; 0 turns retries off).</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>First retry delay; it doubles per retry, with jitter (default 200 ms).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Extra request headers, e.g. <c>Custos-Justification</c>; values must not be secrets other than what the server expects.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>
    /// Options from <c>CUSTOS_ADDR</c>, <c>CUSTOS_TOKEN</c> and <c>CUSTOS_CACERT</c>: read from
    /// <paramref name="envFile"/> when given (the <c>env</c> file <c>custos dev</c> writes, lines
    /// <c>export NAME='value'</c>), otherwise from the process environment.
    /// </summary>
    public static CustosClientOptions FromEnvironment(string? envFile = null)
    {
        var values = envFile is null ? null : ReadEnvFile(envFile);
        string? Get(string name) => values is null ? Environment.GetEnvironmentVariable(name) : values.GetValueOrDefault(name);
        var address = Get("CUSTOS_ADDR");
        if (string.IsNullOrWhiteSpace(address)) throw new ArgumentException("CUSTOS_ADDR is not set" + (envFile is null ? "" : $" in {envFile}"));
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            throw new ArgumentException("CUSTOS_ADDR is not an https:// address");
        var token = Get("CUSTOS_TOKEN");
        var ca = Get("CUSTOS_CACERT");
        return new CustosClientOptions
        {
            Address = uri,
            Token = string.IsNullOrWhiteSpace(token) ? null : token.Trim(),
            CaCertificateFile = string.IsNullOrWhiteSpace(ca) ? null : ca,
        };
    }

    private static Dictionary<string, string> ReadEnvFile(string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line["export ".Length..].TrimStart();
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            var value = line[(eq + 1)..].Trim();
            // Single-quoted shell words, as 'custos dev' writes them ('\'' is a quote inside).
            if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'') value = value[1..^1].Replace("'\\''", "'", StringComparison.Ordinal);
            else if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') value = value[1..^1];
            result[line[..eq].Trim()] = value;
        }
        return result;
    }
}
