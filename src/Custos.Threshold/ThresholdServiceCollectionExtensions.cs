using Custos.Core.Threshold;
using Microsoft.Extensions.DependencyInjection;

namespace Custos.Threshold;

/// <summary>Registration of the custodian network layer.</summary>
public static class ThresholdServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="HttpThresholdCustodians"/> as the singleton <see cref="IThresholdCustodians"/> for
    /// <paramref name="options"/> (file paths already absolute: resolve them against the configuration file first).
    /// The certificates are read when it is first resolved.
    /// </summary>
    public static IServiceCollection AddCustosThresholdCustodians(this IServiceCollection services, ThresholdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton<HttpThresholdCustodians>(sp => new HttpThresholdCustodians(options, sp.GetService<TimeProvider>()));
        services.AddSingleton<IThresholdCustodians>(sp => sp.GetRequiredService<HttpThresholdCustodians>());
        return services;
    }
}
