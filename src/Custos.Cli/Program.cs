using System.CommandLine;
using Custos.Cli;
using Custos.Cli.Commands;

var root = new RootCommand("Custos: sovereign key management. Run 'custos dev' to start a local dev server.");
foreach (var option in Globals.All) root.Options.Add(option);
root.Subcommands.Add(DevCommand.Create());
root.Subcommands.Add(ServeCommand.Create());
foreach (var c in SysCommands.Create()) root.Subcommands.Add(c);
root.Subcommands.Add(KeysCommands.Create());
foreach (var c in CryptoCommands.Create()) root.Subcommands.Add(c);
root.Subcommands.Add(TokensCommands.Create());
root.Subcommands.Add(TlsCommands.Create());
return await root.Parse(args).InvokeAsync();
