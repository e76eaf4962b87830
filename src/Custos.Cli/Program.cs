return await Custos.Cli.CliApp.RunAsync(args);
