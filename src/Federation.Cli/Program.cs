using Federation.Cli.Commands;

return await FedCommand.Create().Parse(args).InvokeAsync();
