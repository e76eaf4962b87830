using System.CommandLine;
using Custos.Cli.Commands;

namespace Custos.Cli;

/// <summary>The <c>custos</c> command tree.</summary>
public static class CliApp
{
    /// <summary>Builds the root command.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("Custos: sovereign key management. Run 'custos dev' to start a local dev server.");
        foreach (var option in Globals.All) root.Options.Add(option);
        root.Subcommands.Add(DevCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        foreach (var c in SysCommands.Create()) root.Subcommands.Add(c);
        root.Subcommands.Add(CeremonyCommands.Create());
        root.Subcommands.Add(KeysCommands.Create());
        foreach (var c in CryptoCommands.Create()) root.Subcommands.Add(c);
        root.Subcommands.Add(JustificationsCommand.Create());
        root.Subcommands.Add(TokensCommands.Create());
        root.Subcommands.Add(PolicyCommands.Create());
        root.Subcommands.Add(ApprovalsCommands.Create());
        root.Subcommands.Add(GrantsCommands.Create());
        root.Subcommands.Add(AssessCommand.Create());
        root.Subcommands.Add(RegisterCommands.Create());
        root.Subcommands.Add(TlsCommands.Create());
        root.Subcommands.Add(Commands.Audit.AuditCommands.Create());
        root.Subcommands.Add(ReportCommands.Create());
        root.Subcommands.Add(CustodianCommands.Create());
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default) =>
        Build().Parse(args).InvokeAsync(cancellationToken: cancellationToken);
}
