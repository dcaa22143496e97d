using System.CommandLine;
using Federation.Cli.Demo;

namespace Federation.Cli.Commands;

/// <summary>`fed demo`: a whole development federation in one command.</summary>
internal static class DemoCommand
{
    private const int MaxReplicas = 8;

    public static Command Create()
    {
        var data = CommonOptions.Data();
        var once = new Option<bool>("--once") { Description = "Exit after the report instead of serving until Ctrl+C." };
        var port = new Option<int>("--port") { Description = "Gateway port on 127.0.0.1 (0 picks a free one).", DefaultValueFactory = _ => 0 };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                result.AddError("--port must be between 0 and 65535.");
            }
        });
        var postgres = new Option<string?>("--postgres")
        {
            Description = "Keep the gateway's transparency log, clients and audit log in this PostgreSQL database (an Npgsql connection string: " +
                          "an empty database, or the one an earlier demo of the same --data folder used). Without it: SQLite files in the data folder.",
        };
        postgres.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } connectionString && Gateway.Storage.PostgresGatewayDatabase.Problem(connectionString) is { } problem)
            {
                result.AddError($"--postgres: {problem}");
            }
        });
        var replicas = new Option<int>("--replicas")
        {
            Description = "Run this many gateway replicas on the --postgres database, the nodes spread across them (needs --postgres).",
            DefaultValueFactory = _ => 1,
        };
        replicas.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > MaxReplicas)
            {
                result.AddError($"--replicas must be between 1 and {MaxReplicas}.");
            }
        });
        var command = new Command(
            "demo",
            "Create a development federation (root CA, gateway and 13 node certificates), start the gateway on loopback over TLS, " +
            "run the 13 nodes on synthetic case records, and print national and per-jurisdiction figures.")
        {
            data, once, port, postgres, replicas,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(replicas) is { Implicit: false } && result.GetValue(postgres) is null)
            {
                result.AddError("--replicas needs --postgres CONNECTION_STRING: gateway replicas share one PostgreSQL database (the demo's SQLite files serve one gateway).");
            }
            else if (result.GetValue(port) is > 0 and var first && first + result.GetValue(replicas) - 1 > 65535)
            {
                result.AddError($"--port {first} leaves no room for {result.GetValue(replicas)} replicas (replica i listens on port + i, at most 65535).");
            }
        });
        command.SetAction(GuardedAction.Of((parse, cancellationToken) =>
            new DemoRunner(new DemoLayout(parse.GetValue(data)!.FullName), Console.Out, TimeProvider.System)
                .RunAsync(parse.GetValue(port), parse.GetValue(once), parse.GetValue(postgres), parse.GetValue(replicas), cancellationToken)));
        return command;
    }
}
