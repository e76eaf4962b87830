using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Custos.Server.Hosting;

/// <summary>The web application builder every Custos process starts from (the server, the custodian node).</summary>
internal static class WebHostDefaults
{
    /// <summary>
    /// A slim builder rooted in <paramref name="dataDir"/>, with no configuration reload (it would put a file watcher on
    /// the data folder, woken by every database write) and one-line UTC console logs, ASP.NET Core itself at warnings.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string dataDir, Action<ILoggingBuilder>? configureLogging)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = dataDir,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; o.UseUtcTimestamp = true; });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configureLogging?.Invoke(builder.Logging);
        return builder;
    }
}
