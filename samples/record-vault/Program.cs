// dotnet run --project samples/record-vault [-- --env .custos-dev/env --data record-vault-data]
return await RecordVault.VaultApp.RunAsync(args, Console.Out);
