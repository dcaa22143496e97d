using System.Globalization;
using Federation.Contracts.V1;
using Federation.Gateway.Hosting;
using Federation.Node;
using Federation.Sdk.Catalog;
using Federation.Sdk.Client;
using Federation.Sdk.Identity;
using Federation.Sdk.Publishing;
using Federation.Sdk.Trust;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Federation.Cli.Demo;

/// <summary>Runs the demo: federation files, gateway on loopback, 13 nodes, national report, then serves until stopped.</summary>
internal sealed class DemoRunner(DemoLayout layout, TextWriter output, TimeProvider timeProvider)
{
    /// <param name="port">The gateway's port on 127.0.0.1 (0: a free one); replica i (from 0) listens on port + i.</param>
    /// <param name="once">Stop after the report instead of serving until cancelled.</param>
    /// <param name="postgres">A PostgreSQL connection string for the gateway's store, or null for SQLite files in the data folder.</param>
    /// <param name="replicas">How many gateway replicas share the PostgreSQL database (1 without <paramref name="postgres"/>).</param>
    /// <param name="cancellationToken">Stops serving.</param>
    public async Task<int> RunAsync(int port, bool once, string? postgres, int replicas, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        if (replicas > 1 && postgres is null)
        {
            throw new ArgumentException("Several gateway replicas need a shared PostgreSQL database.", nameof(replicas));
        }

        output.WriteLine($"Federation demo: development federation in {layout.Root}");
        var federation = new DevelopmentFederation(layout, timeProvider);
        foreach (var made in federation.EnsureCreated())
        {
            output.WriteLine($"  created {made}");
        }

        var gateways = new List<WebApplication>();
        try
        {
            // One after the other: the first creates the database's tables and the empty log's checkpoint.
            for (var replica = 0; replica < replicas; replica++)
            {
                var gateway = CreateGateway(layout, port == 0 ? 0 : port + replica, postgres: postgres);
                gateways.Add(gateway);
                await gateway.StartAsync(cancellationToken);
            }

            return await RunAsync(federation, gateways, once, postgres, cancellationToken);
        }
        finally
        {
            foreach (var gateway in gateways)
            {
                await gateway.DisposeAsync();
            }
        }
    }

    private async Task<int> RunAsync(DevelopmentFederation federation, List<WebApplication> gateways, bool once, string? postgres, CancellationToken cancellationToken)
    {
        var addresses = gateways.Select(g => g.GetListeningAddress()).ToArray();
        var address = addresses[0];
        var shownAddress = address.GetLeftPart(UriPartial.Authority);
        layout.WriteEndpoint(address);
        await federation.EnrolAsync(gateways[0].Services, cancellationToken);
        federation.ConfigureNodes(addresses);
        if (gateways.Count == 1)
        {
            output.WriteLine($"  gateway started on {shownAddress} (TLS, certificate from the federation root)");
        }
        else
        {
            output.WriteLine($"  {gateways.Count} gateway replicas started on one database (TLS, certificate from the federation root), nodes spread across them:");
            for (var replica = 0; replica < gateways.Count; replica++)
            {
                output.WriteLine($"    replica {replica + 1}: {addresses[replica].GetLeftPart(UriPartial.Authority)}  nodes {string.Join(' ', DevelopmentFederation.NodesOf(replica, gateways.Count))}");
            }
        }

        output.WriteLine(postgres is null
            ? $"  gateway store: SQLite files in {layout.GatewayDirectory}"
            : $"  gateway store: {Gateway.Storage.PostgresGatewayDatabase.Describe(postgres)} (transparency log, clients, audit log)");
        output.WriteLine($"  enrolled {Jurisdiction.All.Count} nodes (private_key_jwt with their node keys), an analyst, a referral desk and an administrator (secrets in {layout.ClientsDirectory})");
        output.WriteLine();

        await RunNodesAsync(cancellationToken);
        await new DemoDirectories(layout, output, timeProvider).PublishAsync(cancellationToken);

        var trust = FederationTrust.FromPemFile(layout.RootCertificate);
        using (var analyst = new GatewayTokenProvider(address, ClientSecretFile.Load(layout.AnalystCredentials).ToCredentials(), trust, timeProvider))
        using (var channel = GatewayChannel.Create(address, trust, tokens: analyst))
        {
            await new DemoReport(channel, output).PrintAsync(cancellationToken);
            await DemoDirectories.PrintSummaryAsync(channel, output, cancellationToken);
        }

        if (gateways.Count > 1)
        {
            await PrintReplicaCheckpointsAsync(addresses, trust, cancellationToken);
        }

        output.WriteLine();
        output.WriteLine($"See exactly what a node would send, without sending anything: fed node preview --config {layout.NodeConfiguration("ON")}");
        if (once)
        {
            await StopAsync(gateways);
            return 0;
        }

        output.WriteLine();
        foreach (var listening in addresses)
        {
            output.WriteLine($"Gateway listening on {listening.GetLeftPart(UriPartial.Authority)}");
        }

        output.WriteLine("Query it from another terminal:");
        foreach (var line in CommandsToTry(layout, shownAddress))
        {
            output.WriteLine("  " + line);
        }

        output.WriteLine("Press Ctrl+C to stop.");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            output.WriteLine(gateways.Count == 1 ? "Stopping the gateway." : "Stopping the gateway replicas.");
        }

        await StopAsync(gateways);
        return 0;
    }

    private static async Task StopAsync(IEnumerable<WebApplication> gateways)
    {
        foreach (var gateway in gateways)
        {
            await gateway.StopAsync(CancellationToken.None);
        }
    }

    // Each replica's latest checkpoint, asked of the replica itself: all serve one log.
    private async Task PrintReplicaCheckpointsAsync(Uri[] addresses, FederationTrust trust, CancellationToken cancellationToken)
    {
        output.WriteLine();
        output.WriteLine("The transparency log as each replica serves it:");
        for (var replica = 0; replica < addresses.Length; replica++)
        {
            using var analyst = new GatewayTokenProvider(addresses[replica], ClientSecretFile.Load(layout.AnalystCredentials).ToCredentials(), trust, timeProvider);
            using var channel = GatewayChannel.Create(addresses[replica], trust, tokens: analyst);
            var checkpoint = (await new TransparencyLogService.TransparencyLogServiceClient(channel).GetCheckpointAsync(
                new GetCheckpointRequest(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellationToken)).Checkpoint.Split('\n');
            output.WriteLine($"  replica {replica + 1} ({addresses[replica].GetLeftPart(UriPartial.Authority)}): {checkpoint[1]} leaves, root {checkpoint[2]}");
        }
    }

    /// <summary>
    /// The gateway of a development federation: loopback, TLS with the federation's certificate, reflection on, in the
    /// Development environment (its token issuer is the address it is called at, whatever port it gets).
    /// </summary>
    public static WebApplication CreateGateway(DemoLayout layout, int port, Action<WebApplicationBuilder>? configureBuilder = null, string? postgres = null) => GatewayApplication.Create(
        ["--environment", Environments.Development],
        options =>
        {
            options.DataDirectory = layout.GatewayDirectory;
            options.TrustRootPath = layout.RootCertificate;
            options.TlsCertificatePath = layout.GatewayCertificate;
            options.TlsPrivateKeyPath = layout.GatewayPrivateKey;
            options.LogSigningKeyPath = layout.LogSigningKey;
            options.LogOrigin = DevelopmentFederation.LogOrigin;
            options.SigningCertificatePath = layout.GatewaySigningCertificate;
            options.SigningPrivateKeyPath = layout.GatewaySigningPrivateKey;
            options.ListenAddress = "127.0.0.1";
            options.Port = port;
            options.EnableReflection = true;
            if (postgres is not null)
            {
                options.Store = GatewayOptions.PostgresStore;
                options.ConnectionString = postgres;
            }
        },
        builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            configureBuilder?.Invoke(builder);
        });

    /// <summary>The commands the running demo suggests, each working against it as printed (--data only for a folder other than the default).</summary>
    internal static IReadOnlyList<string> CommandsToTry(DemoLayout layout, string shownAddress)
    {
        var dataFlag = layout.Root == new DemoLayout(DemoLayout.DefaultRoot).Root ? string.Empty : $" --data {layout.Root}";
        var lastYear = DevelopmentFederation.Years[^1];
        return
        [
            $"fed query{dataFlag} --group-by gender,age_group --year {lastYear}",
            $"fed query{dataFlag} --by-jurisdiction --year {lastYear} --format csv",
            $"fed log verify{dataFlag}          (check the transparency log and every receipt)",
            $"fed admin audit{dataFlag}",
            $"fed services capacity{dataFlag}",
            $"fed services find{dataFlag} --jurisdiction ON --type emergency_shelter --available",
            $"fed services coverage{dataFlag}",
            $"fed report{dataFlag} --year {lastYear} --out {Path.Combine(layout.Root, "report")}          (the National Rapporteur's annual report: English and French pages, charts, CSV data, provenance)",
            $"npx @bufbuild/buf curl --protocol grpc --cacert {layout.RootCertificate} --list-services {shownAddress}",
        ];
    }

    private async Task RunNodesAsync(CancellationToken cancellationToken)
    {
        var years = DevelopmentFederation.Years;
        output.WriteLine($"Running {Jurisdiction.All.Count} nodes on synthetic case records ({years[0]}-{years[^1]}):");
        var position = 0;
        var quarantined = new List<(string Jurisdiction, Sdk.Validation.QuarantinedRecord Record)>();
        foreach (var jurisdiction in Jurisdiction.All)
        {
            position++;
            var configuration = NodeConfiguration.Load(layout.NodeConfiguration(jurisdiction));
            var report = await new NodeRunner(configuration, timeProvider).RunAsync(cancellationToken);
            var pipeline = report.Pipeline;
            var revisions = report.Published.Count(p => p.Receipt.Revision > 1);
            var delivered = report.Published.Count(p => p.Delivery == ReleaseDelivery.AlreadyDelivered);
            var resent = report.Published.Count(p => p.Delivery == ReleaseDelivery.Resent);
            var resigned = report.Published.Count(p => p.Delivery == ReleaseDelivery.Resigned);
            var refused = report.Refused.Count;
            var notes = (delivered > 0 ? $" ({delivered} unchanged, delivered earlier)" : string.Empty)
                + (resent > 0 ? $" ({resent} left pending earlier, sent now)" : string.Empty)
                + (resigned > 0 ? $" ({resigned} refused earlier, signed again and sent)" : string.Empty)
                + (revisions > 0 ? $" ({revisions} revised)" : string.Empty)
                + (refused > 0 ? $" ({refused} refused: privacy budget spent)" : string.Empty);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  [{position,2}/{Jurisdiction.All.Count}] {jurisdiction} {Jurisdiction.NameOf(jurisdiction),-26} {pipeline.RecordsRead,5} records: {pipeline.RecordsAccepted,5} accepted, {pipeline.Quarantined.Count,2} quarantined, {pipeline.RecordsOutOfScope,2} out of scope -> {report.Published.Count} releases accepted by the gateway{notes}"));
            quarantined.AddRange(report.Quarantined.Select(q => (jurisdiction, q)));
        }

        if (quarantined.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"{quarantined.Count} records were quarantined (not counted). The first few; each node's full list is in nodes/<code>/state/quarantine.csv:");
            foreach (var (jurisdiction, record) in quarantined.Take(5))
            {
                output.WriteLine($"  {jurisdiction} {record.Location}: {record.Reason}");
            }
        }

        output.WriteLine();
    }
}
