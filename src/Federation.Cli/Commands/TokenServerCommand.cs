using System.CommandLine;
using Federation.Gateway.Hosting;
using Federation.Gateway.Identity;
using Federation.Sdk.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace Federation.Cli.Commands;

/// <summary>`fed token-server`: the federation's token server on its own host, and the registration of its first administrator.</summary>
internal static class TokenServerCommand
{
    public static Command Create()
    {
        var data = new Option<DirectoryInfo?>("--data") { Description = "Folder of the token server's store (identity.db: clients and their keys; audit.db). Setting TokenServer:DataDirectory." };
        var issuer = new Option<string?>("--issuer") { Description = "The https address clients reach this server at, for example https://tokens.example.ca:7444/. The gateway's Gateway:TokenServerIssuer names the same." };
        var listen = new Option<string?>("--listen") { Description = "IP address to listen on (default 127.0.0.1)." };
        var port = new Option<int?>("--port") { Description = "TCP port (default 7444)." };
        var trustRoot = new Option<FileInfo?>("--trust-root") { Description = "The federation root certificate (PEM)." };
        var tlsCertificate = new Option<FileInfo?>("--tls-certificate") { Description = "TLS certificate (PEM) from the federation CA for the issuer's host name." };
        var tlsKey = new Option<FileInfo?>("--tls-key") { Description = "Its private key (PEM)." };
        var signingCertificate = new Option<FileInfo?>("--signing-certificate") { Description = "The token signing certificate (PEM, a token signer from the federation CA); give the gateway a copy." };
        var signingKey = new Option<FileInfo?>("--signing-key") { Description = "Its private key (PEM). Secret: it can mint tokens for any client." };
        var lifetime = new Option<int?>("--token-lifetime") { Description = "Access token lifetime in seconds (default 600)." };
        var command = new Command(
            "token-server",
            "Run the federation's OAuth 2.0 token server on its own host (TLS; token endpoint, discovery, key set, and the registry part of the admin API). "
            + "Settings come from these options or from the environment (TokenServer__Issuer=..., TokenServer__DataDirectory=...).")
        {
            data, issuer, listen, port, trustRoot, tlsCertificate, tlsKey, signingCertificate, signingKey, lifetime,
        };
        command.Add(AddAdministrator());
        command.Add(IssueSigningCertificate());
        command.SetAction(GuardedAction.Of(async (parse, cancellationToken) =>
        {
            WebApplication app;
            try
            {
                app = await StartAsync(options =>
            {
                options.DataDirectory = parse.GetValue(data)?.FullName ?? options.DataDirectory;
                options.Issuer = parse.GetValue(issuer) ?? options.Issuer;
                options.ListenAddress = parse.GetValue(listen) ?? options.ListenAddress;
                options.Port = parse.GetValue(port) ?? options.Port;
                options.TrustRootPath = parse.GetValue(trustRoot)?.FullName ?? options.TrustRootPath;
                options.TlsCertificatePath = parse.GetValue(tlsCertificate)?.FullName ?? options.TlsCertificatePath;
                options.TlsPrivateKeyPath = parse.GetValue(tlsKey)?.FullName ?? options.TlsPrivateKeyPath;
                options.SigningCertificatePath = parse.GetValue(signingCertificate)?.FullName ?? options.SigningCertificatePath;
                options.SigningPrivateKeyPath = parse.GetValue(signingKey)?.FullName ?? options.SigningPrivateKeyPath;
                options.AccessTokenLifetimeSeconds = parse.GetValue(lifetime) ?? options.AccessTokenLifetimeSeconds;
            }, cancellationToken);
            }
            catch (OptionsValidationException e)
            {
                throw new CommandException("The token server cannot start:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", e.Failures));
            }

            Console.WriteLine($"Token server listening on {app.GetListeningAddress()}. Press Ctrl+C to stop.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine("Stopping the token server.");
            }

            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            return 0;
        }));
        return command;
    }

    private static async Task<WebApplication> StartAsync(Action<TokenServerOptions> configure, CancellationToken cancellationToken)
    {
        var app = TokenServerApplication.Create([], configure);
        try
        {
            await app.StartAsync(cancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>`fed token-server issue-signing-certificate`: offline, with the federation CA's key.</summary>
    private static Command IssueSigningCertificate()
    {
        var caCertificate = new Option<FileInfo>("--ca-certificate") { Description = "The federation root certificate (PEM).", Required = true };
        var caKey = new Option<FileInfo>("--ca-key") { Description = "The federation root's private key (PEM). Keep it offline.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the token signing certificate (PEM); give a copy to the gateway.", Required = true };
        var keyOutput = new Option<FileInfo>("--key-out") { Description = "Where to write its private key (PEM, owner-only); it stays on the token server.", Required = true };
        var name = new Option<string>("--name") { Description = "The certificate's common name.", DefaultValueFactory = _ => "Federation token server" };
        var days = new Option<int>("--days") { Description = "Validity in days.", DefaultValueFactory = _ => 365 };
        var command = new Command("issue-signing-certificate", "Issue a token server's signing certificate (a token signer) with the federation CA (offline).")
        {
            caCertificate, caKey, output, keyOutput, name, days,
        };
        command.SetAction(GuardedAction.Of((parse, _) =>
        {
            using var authority = Sdk.Trust.FederationCertificateAuthority.Load(parse.GetValue(caCertificate)!.FullName, parse.GetValue(caKey)!.FullName);
            using var certificate = authority.IssueTokenSigningCertificate(parse.GetValue(name)!, TimeSpan.FromDays(parse.GetValue(days)));
            Sdk.Trust.CertificateFiles.SavePem(certificate, parse.GetValue(output)!.FullName, parse.GetValue(keyOutput)!.FullName);
            Console.WriteLine($"Issued {certificate.Subject}, valid to {certificate.NotAfter.ToUniversalTime():u}, key id {GatewayCredentials.KeyIdOf(certificate)}.");
            return Task.FromResult(0);
        }));
        return command;
    }

    /// <summary>`fed token-server add-admin`: on the token server's machine, registers the first administrator directly in its store.</summary>
    private static Command AddAdministrator()
    {
        var clientId = new Argument<string>("client-id") { Description = "The administrator's client id, for example admin-1." };
        var store = new Option<FileInfo?>("--identity-store") { Description = "The identity store (identity.db) of the token server, or of a gateway." };
        var postgres = new Option<string?>("--postgres")
        {
            Description = "Instead of --identity-store: the connection string of a gateway's PostgreSQL database (Gateway:Store=postgres). " +
                          "Leave the password out of it and set PGPASSWORD: a command line is visible to other users of the machine.",
        };
        var trustRoot = new Option<FileInfo>("--trust-root") { Description = "The federation root certificate (PEM).", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write the administrator's credentials (mode 0600). Omit it for the store of a gateway whose tokens come from a token server: the administrator is then recorded without a secret." };
        var issuer = new Option<string?>("--issuer") { Description = "The token server's issuer, written into the credentials file so `fed admin` gets tokens there." };
        var command = new Command("add-admin", "Register an administrator directly in an identity store on this machine (the first one; later ones with `fed admin register-client --role admin`).")
        {
            clientId, store, postgres, trustRoot, output, issuer,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(store) is null) == (result.GetValue(postgres) is null))
            {
                result.AddError("Name the identity store: either --identity-store FILE or --postgres CONNECTION_STRING (one of them).");
            }
            else if (result.GetValue(postgres) is { } connectionString && Gateway.Storage.PostgresGatewayDatabase.Problem(connectionString) is { } problem)
            {
                result.AddError($"--postgres: {problem}");
            }
        });
        command.SetAction(GuardedAction.Of(async (parse, cancellationToken) =>
        {
            var id = parse.GetValue(clientId)!;
            var path = parse.GetValue(output)?.FullName;
            string secret;
            await using var database = parse.GetValue(postgres) is { } connectionString ? new Gateway.Storage.PostgresGatewayDatabase(connectionString, setting: "--postgres") : null;
            try
            {
                secret = await IdentityStoreSetup.RegisterAdministratorAsync(
                    database is null ? Gateway.Identity.IdentityDatabase.SqliteFile(parse.GetValue(store)!.FullName) : Gateway.Identity.IdentityDatabase.Postgres(database),
                    parse.GetValue(trustRoot)!.FullName, id, issuesTokens: path is not null, cancellationToken);
            }
            catch (Exception e) when (e is Gateway.RequestRefusedException or Gateway.Storage.GatewayDatabaseUnavailableException)
            {
                throw new CommandException(e.Message);
            }

            if (path is null)
            {
                Console.WriteLine($"Recorded administrator '{id}' (no secret: its tokens come from the token server).");
                return 0;
            }

            new ClientSecretFile(id, secret, [FederationScopes.Admin], parse.GetValue(issuer)).Save(path);
            Console.WriteLine($"Registered administrator '{id}'. Its secret is in {path} (owner-only); the store keeps only a hash.");
            return 0;
        }));
        return command;
    }
}
