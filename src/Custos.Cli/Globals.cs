using System.CommandLine;
using System.Text.Json;
using Custos.Cli.Http;

namespace Custos.Cli;

/// <summary>Options every command takes, and the one way commands run and report failures.</summary>
public static class Globals
{
    /// <summary>--addr (or CUSTOS_ADDR).</summary>
    public static readonly Option<string?> Addr = new("--addr") { Description = "Server address (default: $CUSTOS_ADDR)", Recursive = true };
    /// <summary>--token (or CUSTOS_TOKEN).</summary>
    public static readonly Option<string?> Token = new("--token") { Description = "Access token (default: $CUSTOS_TOKEN)", Recursive = true };
    /// <summary>--cacert (or CUSTOS_CACERT).</summary>
    public static readonly Option<string?> CaCert = new("--cacert") { Description = "CA certificate (PEM) to trust (default: $CUSTOS_CACERT)", Recursive = true };
    /// <summary>--cert (or CUSTOS_CLIENT_CERT): a client certificate for mutual TLS.</summary>
    public static readonly Option<string?> Cert = new("--cert") { Description = "Client certificate (PEM) for mutual TLS, with --key (default: $CUSTOS_CLIENT_CERT)", Recursive = true };
    /// <summary>
    /// --cert-key (or CUSTOS_CLIENT_KEY): the client certificate's private key. Not "--key": encrypt, decrypt
    /// and data-key already use --key for the Custos key to use.
    /// </summary>
    public static readonly Option<string?> CertKey = new("--cert-key") { Description = "Private key (PEM) of --cert (default: $CUSTOS_CLIENT_KEY)", Recursive = true };
    /// <summary>--json: machine-readable output.</summary>
    public static readonly Option<bool> Json = new("--json") { Description = "Print JSON instead of text", Recursive = true };

    /// <summary>All global options.</summary>
    public static IEnumerable<Option> All => [Addr, Token, CaCert, Cert, CertKey, Json];

    /// <summary>The connection the global options and environment describe (<paramref name="addr"/> overrides --addr).</summary>
    public static Connection Connect(ParseResult p, string? addr = null) =>
        Connection.Resolve(addr ?? p.GetValue(Addr), p.GetValue(Token), p.GetValue(CaCert), p.GetValue(Cert), p.GetValue(CertKey));

    /// <summary>An API client for the resolved connection.</summary>
    public static CustosApi Api(ParseResult p) => new(Connect(p));

    /// <summary>Sets <paramref name="command"/>'s action, mapping failures to a message on stderr and an exit code.</summary>
    public static void OnRun(this Command command, Func<ParseResult, CancellationToken, Task<int>> action)
    {
        command.SetAction(async (ParseResult p, CancellationToken ct) =>
        {
            try
            {
                return await action(p, ct);
            }
            catch (CliException e)
            {
                Console.Error.WriteLine($"custos: {e.Message}");
                return e.ExitCode;
            }
            catch (ApiException e)
            {
                Console.Error.WriteLine($"custos: {e.Message}{(e.Code is null ? "" : $" [{e.Code}]")}");
                return 1;
            }
            catch (Custos.Core.Errors.CustosUnavailableException e)
            {
                // A keystore, HSM or database that cannot be used: its message is one safe sentence.
                Console.Error.WriteLine($"custos: {e.Message}");
                return 1;
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"custos: {e.Message}");
                return 1;
            }
            catch (UnauthorizedAccessException e)
            {
                Console.Error.WriteLine($"custos: {e.Message}");
                return 1;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Console.Error.WriteLine("custos: cancelled");
                return 130;
            }
            catch (Exception e) when (e is InvalidOperationException or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                Console.Error.WriteLine($"custos: {e.Message}");
                return 1;
            }
        });
    }

    /// <summary>Prints a value as indented JSON.</summary>
    public static void PrintJson<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        Console.WriteLine(JsonSerializer.Serialize(value, new JsonSerializerOptions(type.Options) { WriteIndented = true }.GetTypeInfo(typeof(T))));

    /// <summary>Parses repeated k=v options into a dictionary.</summary>
    public static Dictionary<string, string> Pairs(string[]? values, string what)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in values ?? [])
        {
            int eq = v.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new CliException($"{what} '{v}' must look like key=value", 2);
            if (!result.TryAdd(v[..eq], v[(eq + 1)..])) throw new CliException($"{what} key '{v[..eq]}' given twice", 2);
        }
        return result;
    }
}
