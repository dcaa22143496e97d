using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Federation.Cli.Demo;
using Federation.Cli.Output;
using Federation.Contracts.V1;
using Federation.Node.Setup;
using Federation.Sdk.Identity;
using Federation.Sdk.Trust;
using Google.Protobuf;
using Grpc.Core;

namespace Federation.Cli.Commands;

/// <summary>`fed admin`: enrolment, rotation and revocation of nodes and clients, the audit log, provenance.</summary>
internal static class AdminCommand
{
    public static Command Create()
    {
        var command = new Command("admin", "Federation administration: issue and register node certificates, register clients, revoke, read the audit log.");
        command.Add(IssueCertificate());
        command.Add(NodeBundleCommand());
        command.Add(LogKeyCommand.Create());
        command.Add(GatewayCall("register-node", "Register a node certificate with the gateway (enrolment, or the new certificate of a key rotation). "
            + "A jurisdiction has one active node: a certificate for a new node id is refused while another node of its jurisdiction is active, unless --replaces names it.",
            [
                new Option<FileInfo>("--certificate") { Description = "The node certificate (PEM) issued with `fed admin issue-certificate`.", Required = true },
                new Option<string?>("--replaces")
                {
                    Description = "The node id of the jurisdiction's active node this new node replaces: it is revoked (\"replaced by ...\") in the same change, "
                        + "and the replacement is in the audit log. Not for a key rotation (a new certificate for the same node id).",
                },
            ],
            async (parse, options, targets, deadline, ct) =>
            {
                var path = parse.GetValue((Option<FileInfo>)options[0])!.FullName;
                var request = new RegisterNodeRequest
                {
                    CertificatePem = await File.ReadAllTextAsync(path, ct),
                    ReplacesNodeId = parse.GetValue((Option<string?>)options[1]) ?? string.Empty,
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
            }));
        command.Add(GatewayCall("register-client", "Register an analyst, a referral desk, a province client or an administrator; writes its client id and secret to a file only you can read.",
            [
                new Argument<string>("client-id") { Description = "The new client's id, for example analyst-statcan-1." },
                new Option<string>("--role")
                {
                    Description = "analyst (federation.query: aggregates), referral (federation.referral: exact capacity of each service, capacity watches), "
                        + "province (federation.province: one jurisdiction's own figures, with --jurisdiction) or admin.",
                    DefaultValueFactory = _ => "analyst",
                },
                new Option<FileInfo>("--out") { Description = "Where to write the credentials file (mode 0600).", Required = true },
                new Option<string?>("--jurisdiction") { Description = "With --role province: the jurisdiction the client reads (for example NS), and only it." },
            ],
            async (parse, symbols, targets, deadline, ct) =>
            {
                var role = parse.GetValue((Option<string>)symbols[1]) switch
                {
                    "analyst" => ClientRole.Analyst,
                    "referral" => ClientRole.Referral,
                    "admin" => ClientRole.Admin,
                    "province" => ClientRole.Province,
                    var other => throw new CommandException($"--role '{other}': expected analyst, referral, province or admin."),
                };
                var jurisdiction = parse.GetValue((Option<string?>)symbols[3])?.Trim().ToUpperInvariant() ?? string.Empty;
                if ((role == ClientRole.Province) != (jurisdiction.Length > 0))
                {
                    throw new CommandException(role == ClientRole.Province
                        ? "--role province needs --jurisdiction CODE: the one jurisdiction the client reads (for example NS)."
                        : "--jurisdiction is for --role province only.");
                }

                var request = new RegisterClientRequest { ClientId = parse.GetValue((Argument<string>)symbols[0])!, Role = role, Jurisdiction = jurisdiction };

                // The secret comes from whoever issues tokens: the token server when there is one (the gateway then
                // records the client without a secret).
                var response = await (targets.TokenServer ?? targets.Gateway).RegisterClientAsync(request, deadline: deadline, cancellationToken: ct);
                if (targets.TokenServer is not null)
                {
                    await targets.Gateway.RegisterClientAsync(request, deadline: deadline, cancellationToken: ct);
                }

                var output = parse.GetValue((Option<FileInfo>)symbols[2])!.FullName;
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
                    targets.TokenServerAddress?.ToString()).Save(output);
                var keeper = targets.TokenServer is null ? "the gateway" : $"the token server {targets.TokenServerAddress} (the gateway records the client too)";
                var bound = role == ClientRole.Province ? $" (reads {response.Client.Jurisdiction} only)" : string.Empty;
                Console.WriteLine($"Registered {role.ToString().ToLowerInvariant()} '{response.Client.ClientId}'{bound}. Its secret is in {output} (owner-only); {keeper} keeps only a hash. Give the file to its owner over a secure channel.");
            }));
        command.Add(GatewayCall("revoke-certificate", "Revoke one node certificate (for example the old one after a key rotation): its tokens and signatures are refused from now on.",
            [
                new Argument<string>("thumbprint") { Description = "The certificate's SHA-256 thumbprint (see `fed admin clients`), or a PEM file of it." },
                new Option<string>("--reason") { Description = "Why (kept with the revocation).", DefaultValueFactory = _ => string.Empty },
            ],
            async (parse, symbols, targets, deadline, ct) =>
            {
                var thumbprint = parse.GetValue((Argument<string>)symbols[0])!;
                if (File.Exists(thumbprint))
                {
                    using var certificate = CertificateFiles.LoadCertificate(thumbprint);
                    thumbprint = GatewayCredentials.KeyIdOf(certificate);
                }

                var request = new RevokeCertificateRequest { Thumbprint = thumbprint, Reason = parse.GetValue((Option<string>)symbols[1])! };
                await targets.ApplyAsync(async (client, host) =>
                {
                    var response = await client.RevokeCertificateAsync(request, deadline: deadline, cancellationToken: ct);
                    Console.WriteLine($"{host}Revoked certificate {response.Certificate.Thumbprint} ({response.Certificate.Subject}, {response.Certificate.Jurisdiction}) at {response.Certificate.RevokedAt.ToDateTimeOffset():u}.");
                    if (client == targets.Gateway)
                    {
                        Console.WriteLine($"{response.SignedSubmissions} submission(s) it signed stay stored; their provenance shows the revocation.");
                    }
                });
            }));
        command.Add(GatewayCall("revoke-client", "Revoke a client (a node with all its certificates, an analyst, an administrator): its tokens and signatures are refused from now on.",
            [
                new Argument<string>("client-id") { Description = "The client id, for example node-on." },
                new Option<string>("--reason") { Description = "Why (kept with the revocation).", DefaultValueFactory = _ => string.Empty },
            ],
            async (parse, symbols, targets, deadline, ct) =>
            {
                var request = new RevokeClientRequest { ClientId = parse.GetValue((Argument<string>)symbols[0])!, Reason = parse.GetValue((Option<string>)symbols[1])! };
                await targets.ApplyAsync(async (client, host) =>
                {
                    var response = await client.RevokeClientAsync(request, deadline: deadline, cancellationToken: ct);
                    Console.WriteLine($"{host}Revoked '{response.Client.ClientId}' at {response.Client.RevokedAt.ToDateTimeOffset():u}.");
                    if (client == targets.Gateway)
                    {
                        Console.WriteLine($"{response.SignedSubmissions} submission(s) it signed stay stored; their provenance shows the revocation.");
                    }
                });
            }));
        command.Add(GatewayCall("clients", "List the registered clients and node certificates.", [], async (parse, symbols, targets, deadline, ct) =>
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
        }));
        command.Add(GatewayCall("audit", "Show the audit log: every query and every refusal (who, what, parameters, outcome, when), newest first.",
            [
                new Option<string?>("--client") { Description = "Only this client's entries." },
                new Option<bool>("--refusals") { Description = "Only refusals." },
                new Option<int>("--limit") { Description = "At most this many entries.", DefaultValueFactory = _ => 50 },
                new Option<OutputFormat>("--format") { Description = "table or json.", DefaultValueFactory = _ => OutputFormat.Table },
            ],
            async (parse, symbols, targets, deadline, ct) =>
            {
                var response = await targets.Gateway.ListAuditEntriesAsync(
                    new ListAuditEntriesRequest
                    {
                        ClientId = parse.GetValue((Option<string?>)symbols[0]) ?? string.Empty,
                        RefusalsOnly = parse.GetValue((Option<bool>)symbols[1]),
                        Limit = parse.GetValue((Option<int>)symbols[2]),
                    },
                    deadline: deadline,
                    cancellationToken: ct);
                if (parse.GetValue((Option<OutputFormat>)symbols[3]) == OutputFormat.Json)
                {
                    Console.WriteLine(JsonFormatter.Default.Format(response));
                    return;
                }

                var table = new TextTable(["#", "time (UTC)", "client", "method", "outcome", "parameters / detail"]);
                foreach (var e in response.Entries)
                {
                    table.AddRow([
                        e.Sequence.ToString(CultureInfo.InvariantCulture),
                        e.Time.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                        e.ClientId,
                        e.Method,
                        e.Outcome,
                        Shorten(e.Refused && e.Detail.Length > 0 ? e.Detail : e.Parameters, 90),
                    ]);
                }

                table.Write(Console.Out);
                Console.WriteLine($"{response.Entries.Count} entries.");
            }));
        command.Add(GatewayCall("provenance", "Show who sent a stored submission and whether its signer was revoked since.",
            [new Argument<string>("submission-id") { Description = "The submission id (from a receipt)." }],
            async (parse, symbols, targets, deadline, ct) =>
            {
                var p = (await targets.Gateway.GetSubmissionProvenanceAsync(
                    new GetSubmissionProvenanceRequest { SubmissionId = parse.GetValue((Argument<string>)symbols[0])! }, deadline: deadline, cancellationToken: ct)).Provenance;
                Console.WriteLine($"Submission {p.SubmissionId}: {p.DatasetId} {p.Jurisdiction} {p.ReferenceYear}, revision {p.Revision}, received {p.ReceivedAt.ToDateTimeOffset():u}");
                Console.WriteLine($"Signed by {p.SignerSubject} (certificate {p.SignerThumbprint})");
                Console.WriteLine(p.SignerRevoked
                    ? $"SIGNER REVOKED at {p.SignerRevokedAt.ToDateTimeOffset():u} ({p.SignerRevocationReason}): accepted before the revocation; kept."
                    : "Signer certificate not revoked.");
                if (p.SupersededBy.Length > 0)
                {
                    Console.WriteLine($"Superseded by {p.SupersededBy}.");
                }
            }));
        return command;
    }

    /// <summary>
    /// `fed admin issue-certificate`: offline, with the federation CA's key. Turns a node's certificate request into a
    /// certificate bound to one jurisdiction.
    /// </summary>
    private static Command IssueCertificate()
    {
        var request = new Option<FileInfo>("--request") { Description = "The node's certificate request (PEM), from `fed node enrol`.", Required = true };
        var jurisdiction = new Option<string>("--jurisdiction") { Description = "The one jurisdiction the certificate binds (for example ON).", Required = true };
        var caCertificate = new Option<FileInfo>("--ca-certificate") { Description = "The federation root certificate (PEM).", Required = true };
        var caKey = new Option<FileInfo>("--ca-key") { Description = "The federation root's private key (PEM). Keep it offline.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the node certificate (PEM).", Required = true };
        var days = new Option<int>("--days") { Description = "Validity in days.", DefaultValueFactory = _ => 365 };
        var command = new Command("issue-certificate", "Issue a node certificate from its certificate request with the federation CA (offline; no gateway needed).")
        {
            request, jurisdiction, caCertificate, caKey, output, days,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                using var authority = FederationCertificateAuthority.Load(parse.GetValue(caCertificate)!.FullName, parse.GetValue(caKey)!.FullName);
                var pem = await File.ReadAllTextAsync(parse.GetValue(request)!.FullName, cancellationToken);
                using var certificate = authority.IssueNodeCertificateFromRequest(
                    pem, parse.GetValue(jurisdiction)!.ToUpperInvariant(), TimeSpan.FromDays(parse.GetValue(days)));
                var path = parse.GetValue(output)!.FullName;
                CertificateFiles.SavePem(certificate, path);
                Console.WriteLine($"Issued {certificate.Subject} for {FederationIdentity.GetJurisdiction(certificate)}, valid to {certificate.NotAfter.ToUniversalTime():u}: {path}");
                Console.WriteLine($"Thumbprint (key id): {GatewayCredentials.KeyIdOf(certificate)}");
                Console.WriteLine($"Next: `fed admin register-node --certificate {path}`, then send the certificate to the node.");
                return 0;
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }
        });
        return command;
    }

    /// <summary>
    /// `fed admin node-bundle`: the hand-over a new node needs in one file (no secret): who it is, the gateway's
    /// address, the federation root and the log's verifier key. The node makes its keys itself with `fed node init`.
    /// </summary>
    private static Command NodeBundleCommand()
    {
        var jurisdiction = new Option<string>("--jurisdiction") { Description = "The node's jurisdiction (for example NS).", Required = true };
        var nodeId = new Option<string?>("--node-id") { Description = "The node's id, its certificate's common name and client id. Default: node-<jurisdiction>, for example node-ns." };
        var dataset = new Option<string>("--dataset") { Description = "The dataset the node releases.", DefaultValueFactory = _ => "trafficking.victims.v1" };
        var data = CommonOptions.Data();
        var gateway = CommonOptions.Gateway();
        gateway.Description = "The gateway's address as nodes reach it, for example https://gateway.example.ca:7443. Default: the running demo's, from --data.";
        var trustRoot = CommonOptions.TrustRoot();
        trustRoot.Description = "PEM file of the federation root certificate. Default: the demo's, from --data.";
        var logKey = new Option<FileInfo?>("--log-key") { Description = "The transparency log's verifier key (log.pub, one line). Default: the demo's, from --data." };
        var tokenServer = new Option<Uri?>("--token-server")
        {
            Description = "The token server's issuer when it runs on its own host (written as the node's gateway.tokenIssuer).",
            CustomParser = CommonOptions.AbsoluteUri,
        };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the bundle (JSON; it holds no secret).", Required = true };
        var command = new Command(
            "node-bundle",
            "Write what a new node needs from the administrator in one file: its jurisdiction and node id, the gateway's address, the federation root "
            + "and the transparency log's verifier key. No secret: the node makes its keys with `fed node init --bundle FILE`.")
        {
            jurisdiction, nodeId, dataset, data, gateway, trustRoot, logKey, tokenServer, output,
        };
        command.SetAction(GuardedAction.Of((parse, cancellationToken) =>
        {
            var layout = new DemoLayout(parse.GetValue(data)!.FullName);
            var code = parse.GetValue(jurisdiction)!.ToUpperInvariant();
            var endpoint = layout.ReadEndpoint();
            var address = parse.GetValue(gateway) ?? endpoint?.Address
                ?? throw new CommandException($"No gateway address: pass --gateway URL (or start `fed demo`, which writes {layout.EndpointFile}).");
            var bundle = NodeBundle.Create(
                code,
                parse.GetValue(nodeId) ?? $"node-{code.ToLowerInvariant()}",
                parse.GetValue(dataset)!,
                address,
                parse.GetValue(trustRoot)?.FullName ?? layout.RootCertificate,
                parse.GetValue(logKey)?.FullName ?? layout.LogVerifierKey,
                parse.GetValue(tokenServer));
            var path = parse.GetValue(output)!.FullName;
            bundle.Save(path);
            Console.WriteLine($"Node bundle for {bundle.NodeId} ({bundle.Jurisdiction}): {path}");
            Console.WriteLine($"Gateway {bundle.GatewayAddress}; federation root SHA-256 fingerprint {bundle.TrustRootFingerprint()}.");
            Console.WriteLine("Send the file to the node's team (it holds no secret) and tell them the fingerprint by another channel (telephone).");
            Console.WriteLine($"They run `fed node init --bundle {Path.GetFileName(path)}` and send back node.csr; then issue and register its certificate:");
            Console.WriteLine($"  fed admin issue-certificate --request node.csr --jurisdiction {bundle.Jurisdiction} --ca-certificate root.pem --ca-key root.key --out {bundle.NodeId}.pem");
            Console.WriteLine($"  fed admin register-node --certificate {bundle.NodeId}.pem");
            return Task.FromResult(0);
        }));
        return command;
    }

    private static Command GatewayCall(
        string name,
        string description,
        Symbol[] symbols,
        Func<ParseResult, Symbol[], AdminTargets, DateTime, CancellationToken, Task> call)
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
            await call(parse, symbols, targets, DateTime.UtcNow.AddSeconds(30), cancellationToken);
            return 0;
        }));
        return command;
    }

    /// <summary>Where an admin command goes: the gateway, and the token server when it runs on its own host.</summary>
    private sealed record AdminTargets(AdminService.AdminServiceClient Gateway, AdminService.AdminServiceClient? TokenServer, Uri? TokenServerAddress)
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

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 3)] + "...";
}
