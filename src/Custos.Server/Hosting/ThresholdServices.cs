using System.Text.RegularExpressions;
using Custos.Core.Ports;
using Custos.Core.Threshold;
using Custos.Keystores.Threshold;
using Custos.Threshold;

namespace Custos.Server.Hosting;

/// <summary>
/// Threshold custody on this server: the custodians' network layer (configured by the <c>threshold</c> section) and the
/// threshold keystore over it. The keystore is registered whenever an <see cref="IThresholdCustodians"/> is, so that tests
/// can run it over an in-process implementation.
/// </summary>
public static partial class ThresholdServices
{
    /// <summary>
    /// Registers the custodians' network layer for <see cref="ServerOptions.Threshold"/>. THE place where the mutual-TLS
    /// implementation is wired in.
    /// </summary>
    public static void AddCustodians(IServiceCollection services, ServerOptions options)
    {
        if (options.Threshold is null) return;
        // Paths in the section are already resolved against the configuration file (ServeCommand); certificates are read
        // when the keystore first needs the custodians.
        services.AddCustosThresholdCustodians(options.Threshold);
    }

    /// <summary>Registers the threshold keystore when an <see cref="IThresholdCustodians"/> has been registered (call after <see cref="AddCustodians"/>).</summary>
    public static void AddKeystore(IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(IThresholdCustodians))) return;
        services.AddSingleton<ThresholdKeystore>();
        services.AddSingleton<IKeystore>(sp => sp.GetRequiredService<ThresholdKeystore>());
        services.AddSingleton<ThresholdCustody>();
    }

    /// <summary>Null when the <c>threshold</c> section is valid, else what is wrong, naming the setting (files are checked where paths are resolved).</summary>
    public static string? Validate(ThresholdOptions threshold)
    {
        if (threshold.Custodians is not { Count: > 0 }) return "threshold.custodians lists the custodians this server may use; it is empty";
        if (threshold.Custodians.Count > Crypto.Threshold.ThresholdGroup.MaxParticipants)
            return $"threshold.custodians lists at most {Crypto.Threshold.ThresholdGroup.MaxParticipants} custodians";
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < threshold.Custodians.Count; i++)
        {
            var c = threshold.Custodians[i];
            var where = $"threshold.custodians[{i}]";
            if (c is null) return $"{where} is empty";
            if (!NamePattern().IsMatch(c.Name ?? "")) return $"{where}.name '{Trim(c.Name)}' is not 1-64 characters of a-z, 0-9 and '-'";
            if (!names.Add(c.Name!)) return $"{where}.name '{c.Name}' is used by another custodian: names are unique";
            if (!Uri.TryCreate(c.Address, UriKind.Absolute, out var address) || address.Scheme != Uri.UriSchemeHttps || address.AbsolutePath != "/")
                return $"{where}.address '{Trim(c.Address)}' is not https://host:port";
            if (c.Location is null) return $"{where}.location is required: shares are placed by where custodians are and who can compel them";
            if (c.Location.Validate($"{where}.location") is { } location) return location;
        }
        if (string.IsNullOrWhiteSpace(threshold.CaFile)) return "threshold.caFile (the CA that custodians' certificates chain to) is required";
        if (string.IsNullOrWhiteSpace(threshold.ClientCertFile) || string.IsNullOrWhiteSpace(threshold.ClientKeyFile))
            return "threshold.clientCertFile and threshold.clientKeyFile (this server's certificate for custodians) are required";
        if (threshold.DeadlineMilliseconds is < 100 or > 60_000) return "threshold.deadlineMilliseconds is 100 to 60000";
        return null;
    }

    /// <summary>The files the section names (to check they exist once paths are resolved).</summary>
    public static IEnumerable<string> Files(ThresholdOptions threshold) => [threshold.CaFile, threshold.ClientCertFile, threshold.ClientKeyFile];

    [GeneratedRegex("^[a-z0-9-]{1,64}$")]
    private static partial Regex NamePattern();

    private static string Trim(string? s) => s is null ? "" : s.Length <= 40 ? s : s[..40] + "...";
}
