using System.CommandLine;
using Federation.Contracts.V1;

namespace Federation.Cli.Commands;

/// <summary>
/// The shape of every `fed admin` command that calls the gateway: the connection options (--data, --gateway,
/// --trust-root, --credentials, --token-server) ahead of the command's own, and an action that gets the parse result,
/// where to send the change (<see cref="AdminTargets"/>) and a deadline. The action reads its own options by name.
/// </summary>
internal static class AdminGatewayCall
{
    public static Command Create(
        string name,
        string description,
        Symbol[] symbols,
        Func<ParseResult, AdminTargets, DateTime, CancellationToken, Task> call)
    {
        var data = CommonOptions.Data();
        var gateway = CommonOptions.Gateway();
        var trustRoot = CommonOptions.TrustRoot();
        var credentials = CommonOptions.Credentials();
        credentials.Description = "JSON file with the administrator's client id and secret. Default: the demo administrator's, from --data.";
        var tokenServer = new Option<Uri?>("--token-server")
        {
            Description = "The federation's token server when it runs on its own host (its issuer, for example https://tokens.example.ca:7444/): "
                + "tokens come from it, and registrations and revocations are made there first, then at the gateway.",
            CustomParser = CommonOptions.AbsoluteUri,
        };
        var command = new Command(name, description) { data, gateway, trustRoot, credentials, tokenServer };
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Option option:
                    command.Add(option);
                    break;
                case Argument argument:
                    command.Add(argument);
                    break;
            }
        }

        command.SetAction(GuardedAction.Of(async (parse, cancellationToken) =>
        {
            var tokenServerAddress = parse.GetValue(tokenServer);
            using var channel = GatewayConnection.Open(parse, data, gateway, trustRoot, credentials, layout => layout.AdminCredentials, tokenServerAddress);
            using var tokenServerChannel = tokenServerAddress is null
                ? null
                : GatewayConnection.Open(parse, data, gateway, trustRoot, credentials, layout => layout.AdminCredentials, tokenServerAddress, tokenServerAddress);
            var targets = new AdminTargets(
                new AdminService.AdminServiceClient(channel),
                tokenServerChannel is null ? null : new AdminService.AdminServiceClient(tokenServerChannel),
                tokenServerAddress);
            await call(parse, targets, DateTime.UtcNow.AddSeconds(30), cancellationToken);
            return 0;
        }));
        return command;
    }
}

/// <summary>Where an admin command goes: the gateway, and the token server when it runs on its own host.</summary>
internal sealed record AdminTargets(AdminService.AdminServiceClient Gateway, AdminService.AdminServiceClient? TokenServer, Uri? TokenServerAddress)
{
    /// <summary>
    /// Applies a registry change at the token server first (it decides who gets tokens), then at the gateway (which
    /// decides whose tokens and signatures it accepts); each line of output names the host when there are two.
    /// </summary>
    public async Task ApplyAsync(Func<AdminService.AdminServiceClient, string, Task> change)
    {
        if (TokenServer is null)
        {
            await change(Gateway, string.Empty);
            return;
        }

        await change(TokenServer, $"token server {TokenServerAddress}: ");
        await change(Gateway, "gateway: ");
    }
}
