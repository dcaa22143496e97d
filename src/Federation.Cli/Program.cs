using System.CommandLine;
using Federation.Cli.Commands;

var root = new RootCommand(
    "fed: the Federation command line. Share de-identified human-trafficking statistics between Canada's provinces and territories and the federal government.")
{
    DemoCommand.Create(),
    QueryCommand.Create(),
    DatasetsCommand.Create(),
    LogCommand.Create(),
    AdminCommand.Create(),
    PrivacyCommand.Create(),
    NodeCommand.Create(),
    ServicesCommand.Create(),
    ReportCommand.Create(),
    TokenServerCommand.Create(),
};
VersionAction.Use(root);
return await root.Parse(args).InvokeAsync();
