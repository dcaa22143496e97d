using System.CommandLine;
using Federation.Cli.Output;
using Federation.Contracts.V1;
using Federation.Sdk.Identity;
using Federation.Sdk.Trust;

namespace Federation.Cli.Commands;

/// <summary>`fed admin` commands that change or list the gateway's client registry: enrolment, registration, revocation.</summary>
internal static class AdminRegistryCommands
{
    /// <summary>`fed admin register-node`: enrolment, or the new certificate of a key rotation.</summary>
    public static Command RegisterNode()
    {
        var certificate = new Option<FileInfo>("--certificate") { Description = "The node certificate (PEM) issued with `fed admin issue-certificate`.", Required = true };
        var replaces = new Option<string?>("--replaces")
        {
            Description = "The node id of the jurisdiction's active node this new node replaces: it is revoked (\"replaced by ...\") in the same change, "
                + "and the replacement is in the audit log. Not for a key rotation (a new certificate for the same node id).",
        };
        return AdminGatewayCall.Create(
            "register-node",
            "Register a node certificate with the gateway (enrolment, or the new certificate of a key rotation). "
            + "A jurisdiction has one active node: a certificate for a new node id is refused while another node of its jurisdiction is active, unless --replaces names it.",
            [certificate, replaces],
            async (parse, targets, deadline, ct) =>
            {
                var request = new RegisterNodeRequest
                {
                    CertificatePem = await File.ReadAllTextAsync(parse.GetValue(certificate)!.FullName, ct),
                    ReplacesNodeId = parse.GetValue(replaces) ?? string.Empty,
                };
                await targets.ApplyAsync(async (client, host) =>
                {
                    var response = await client.RegisterNodeAsync(request, deadline: deadline, cancellationToken: ct);
                    Console.WriteLine($"{host}Registered certificate {response.Certificate.Thumbprint} for node '{response.Client.ClientId}' ({response.Client.Jurisdiction}).");
                    if (response.Replaced is { } replaced)
                    {
                        Console.WriteLine($"{host}Node '{replaced.ClientId}' is replaced: revoked ({replaced.RevocationReason}); its tokens and signatures are refused from now on.");
                    }

                    var active = response.Client.Certificates.Count(c => c.RevokedAt is null);
                    if (active > 1)
                    {
                        Console.WriteLine($"{host}The node now has {active} valid certificates (key rotation): both work until you revoke the old one with `fed admin revoke-certificate THUMBPRINT`.");
                    }
                });
            });
    }

    /// <summary>`fed admin register-client`: an analyst, a referral desk, a province client or an administrator, with its secret in a file.</summary>
    public static Command RegisterClient()
    {
        var clientId = new Argument<string>("client-id") { Description = "The new client's id, for example analyst-statcan-1." };
        var roleOption = new Option<string>("--role")
        {
            Description = "analyst (federation.query: aggregates), referral (federation.referral: exact capacity of each service, capacity watches), "
                + "province (federation.province: one jurisdiction's own figures, with --jurisdiction) or admin.",
            DefaultValueFactory = _ => "analyst",
        };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the credentials file (mode 0600).", Required = true };
        var jurisdictionOption = new Option<string?>("--jurisdiction") { Description = "With --role province: the jurisdiction the client reads (for example NS), and only it." };
        return AdminGatewayCall.Create(
            "register-client",
            "Register an analyst, a referral desk, a province client or an administrator; writes its client id and secret to a file only you can read.",
            [clientId, roleOption, output, jurisdictionOption],
            async (parse, targets, deadline, ct) =>
            {
                var role = parse.GetValue(roleOption) switch
                {
                    "analyst" => ClientRole.Analyst,
                    "referral" => ClientRole.Referral,
                    "admin" => ClientRole.Admin,
                    "province" => ClientRole.Province,
                    var other => throw new CommandException($"--role '{other}': expected analyst, referral, province or admin."),
                };
                var jurisdiction = parse.GetValue(jurisdictionOption)?.Trim().ToUpperInvariant() ?? string.Empty;
                if ((role == ClientRole.Province) != (jurisdiction.Length > 0))
                {
                    throw new CommandException(role == ClientRole.Province
                        ? "--role province needs --jurisdiction CODE: the one jurisdiction the client reads (for example NS)."
                        : "--jurisdiction is for --role province only.");
                }

                var request = new RegisterClientRequest { ClientId = parse.GetValue(clientId)!, Role = role, Jurisdiction = jurisdiction };

                // The secret comes from whoever issues tokens: the token server when there is one (the gateway then
                // records the client without a secret).
                var response = await (targets.TokenServer ?? targets.Gateway).RegisterClientAsync(request, deadline: deadline, cancellationToken: ct);
                if (targets.TokenServer is not null)
                {
                    await targets.Gateway.RegisterClientAsync(request, deadline: deadline, cancellationToken: ct);
                }

                var path = parse.GetValue(output)!.FullName;
                new ClientSecretFile(
                    response.Client.ClientId,
                    response.ClientSecret,
                    [role switch
                    {
                        ClientRole.Admin => FederationScopes.Admin,
                        ClientRole.Referral => FederationScopes.Referral,
                        ClientRole.Province => FederationScopes.Province,
                        _ => FederationScopes.Query,
                    }],
                    targets.TokenServerAddress?.ToString()).Save(path);
                var keeper = targets.TokenServer is null ? "the gateway" : $"the token server {targets.TokenServerAddress} (the gateway records the client too)";
                var bound = role == ClientRole.Province ? $" (reads {response.Client.Jurisdiction} only)" : string.Empty;
                Console.WriteLine($"Registered {role.ToString().ToLowerInvariant()} '{response.Client.ClientId}'{bound}. Its secret is in {path} (owner-only); {keeper} keeps only a hash. Give the file to its owner over a secure channel.");
            });
    }

    /// <summary>`fed admin revoke-certificate`: one node certificate, for example the old one after a key rotation.</summary>
    public static Command RevokeCertificate()
    {
        var thumbprintArgument = new Argument<string>("thumbprint") { Description = "The certificate's SHA-256 thumbprint (see `fed admin clients`), or a PEM file of it." };
        var reason = new Option<string>("--reason") { Description = "Why (kept with the revocation).", DefaultValueFactory = _ => string.Empty };
        return AdminGatewayCall.Create(
            "revoke-certificate",
            "Revoke one node certificate (for example the old one after a key rotation): its tokens and signatures are refused from now on.",
            [thumbprintArgument, reason],
            async (parse, targets, deadline, ct) =>
            {
                var thumbprint = parse.GetValue(thumbprintArgument)!;
                if (File.Exists(thumbprint))
                {
                    using var certificate = CertificateFiles.LoadCertificate(thumbprint);
                    thumbprint = GatewayCredentials.KeyIdOf(certificate);
                }

                var request = new RevokeCertificateRequest { Thumbprint = thumbprint, Reason = parse.GetValue(reason)! };
                await targets.ApplyAsync(async (client, host) =>
                {
                    var response = await client.RevokeCertificateAsync(request, deadline: deadline, cancellationToken: ct);
                    Console.WriteLine($"{host}Revoked certificate {response.Certificate.Thumbprint} ({response.Certificate.Subject}, {response.Certificate.Jurisdiction}) at {response.Certificate.RevokedAt.ToDateTimeOffset():u}.");
                    if (client == targets.Gateway)
                    {
                        Console.WriteLine($"{response.SignedSubmissions} submission(s) it signed stay stored; their provenance shows the revocation.");
                    }
                });
            });
    }

    /// <summary>`fed admin revoke-client`: a node with all its certificates, an analyst, an administrator.</summary>
    public static Command RevokeClient()
    {
        var clientId = new Argument<string>("client-id") { Description = "The client id, for example node-on." };
        var reason = new Option<string>("--reason") { Description = "Why (kept with the revocation).", DefaultValueFactory = _ => string.Empty };
        return AdminGatewayCall.Create(
            "revoke-client",
            "Revoke a client (a node with all its certificates, an analyst, an administrator): its tokens and signatures are refused from now on.",
            [clientId, reason],
            async (parse, targets, deadline, ct) =>
            {
                var request = new RevokeClientRequest { ClientId = parse.GetValue(clientId)!, Reason = parse.GetValue(reason)! };
                await targets.ApplyAsync(async (client, host) =>
                {
                    var response = await client.RevokeClientAsync(request, deadline: deadline, cancellationToken: ct);
                    Console.WriteLine($"{host}Revoked '{response.Client.ClientId}' at {response.Client.RevokedAt.ToDateTimeOffset():u}.");
                    if (client == targets.Gateway)
                    {
                        Console.WriteLine($"{response.SignedSubmissions} submission(s) it signed stay stored; their provenance shows the revocation.");
                    }
                });
            });
    }

    /// <summary>`fed admin clients`: the registered clients, one row per node certificate.</summary>
    public static Command Clients() => AdminGatewayCall.Create("clients", "List the registered clients and node certificates.", [], async (parse, targets, deadline, ct) =>
    {
        var response = await targets.Gateway.ListClientsAsync(new ListClientsRequest(), deadline: deadline, cancellationToken: ct);
        var table = new TextTable(["client", "role", "jurisdiction", "status", "certificate thumbprint (SHA-256)", "certificate status"]);
        foreach (var c in response.Clients)
        {
            string[] client = [
                c.ClientId,
                c.Role.ToString().ToLowerInvariant(),
                c.Jurisdiction,
                c.RevokedAt is null ? "active" : $"revoked {c.RevokedAt.ToDateTimeOffset():u}",
            ];
            if (c.Certificates.Count == 0)
            {
                table.AddRow([.. client, "-", "-"]);
            }

            // One row per certificate with its full thumbprint, exactly what `revoke-certificate` takes.
            foreach (var certificate in c.Certificates)
            {
                table.AddRow([
                    .. client,
                    certificate.Thumbprint,
                    certificate.RevokedAt is null ? $"valid to {certificate.NotAfter.ToDateTimeOffset():yyyy-MM-dd}" : $"revoked {certificate.RevokedAt.ToDateTimeOffset():u}",
                ]);
            }
        }

        table.Write(Console.Out);
    });
}
