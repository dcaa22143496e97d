using System.CommandLine;

namespace Federation.Cli.Commands;

/// <summary>The whole `fed` command tree, as the program runs it (and as the tests parse documented commands against it).</summary>
internal static class FedCommand
{
    public static RootCommand Create()
    {
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
        return root;
    }
}
