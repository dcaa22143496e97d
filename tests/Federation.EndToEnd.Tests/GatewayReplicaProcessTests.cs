using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Federation.Cli.Demo;
using Federation.Contracts.V1;
using Federation.Gateway.Storage;
using Federation.Node;
using Federation.Sdk.Catalog;
using Federation.Sdk.Client;
using Federation.Sdk.Identity;
using Federation.Sdk.Publishing;
using Federation.Sdk.Trust;
using Federation.Testing.Postgres;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Npgsql;

namespace Federation.EndToEnd.Tests;

/// <summary>
/// Three gateway processes (the gateway program as deployed, Gateway:Store=postgres) on one PostgreSQL database, the 13
/// nodes of a development federation spread across them and submitting at once, one replica killed (SIGKILL) while its
/// uploads wait to be appended. The nodes then run again against the two survivors: nothing is lost or duplicated, the
/// log verifies, the survivors give identical answers, and a watcher on one replica heard the capacity changes another
/// accepted.
/// </summary>
public sealed class GatewayReplicaProcessTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    // Generous: up to six engineers share two cores; three gateways start and 13 nodes draw noise and sign.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Three_replicas_one_killed_mid_upload_lose_nothing_duplicate_nothing_and_the_survivors_answer_alike()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var layout = new DemoLayout(Path.Combine(Path.GetTempPath(), "federation-e2e", Guid.NewGuid().ToString("N")));
        var federation = new DevelopmentFederation(layout, TimeProvider.System);
        federation.EnsureCreated();
        await EnrolAsync(layout, federation, database.ConnectionString);
        var trust = FederationTrust.FromPemFile(layout.RootCertificate);
        var replicas = new[] { "a", "b", "c" }.Select(name => GatewayReplica.Start(layout, database.ConnectionString, name)).ToArray();
        try
        {
            await Task.WhenAll(replicas.Select(r => r.WaitUntilServingAsync(trust, timeout.Token)));
            var (a, b, c) = (replicas[0], replicas[1], replicas[2]);
            PointNodesAt(federation, layout, a.Address, b.Address, c.Address);
            using var onA = Connect(layout.AnalystCredentials, a.Address, trust);
            using var onC = Connect(layout.AnalystCredentials, c.Address, trust);
            using var referralOnA = Connect(layout.ReferralCredentials, a.Address, trust);
            using var referralOnC = Connect(layout.ReferralCredentials, c.Address, trust);
            var heardOnC = WatchAll(referralOnC, timeout.Token);
            await heardOnC.Established.Task.WaitAsync(timeout.Token);

            // While the test holds the log's single-writer lock every append waits, so the kill finds uploads of
            // replica b in the middle of being appended (verified, inside the append transaction, not committed).
            Dictionary<string, Task<NodeOutcome>> runs;
            await using (var hold = await AppendHold.TakeAsync(database.ConnectionString))
            {
                runs = Jurisdiction.All.ToDictionary(j => j, j => RunNodeAsync(layout, j, timeout.Token));
                await hold.WaitForWaitingAppendAsync(b.ApplicationName, timeout.Token);
                await b.KillAsync();
            }

            var first = await WhenAllAsync(runs);
            var onB = DevelopmentFederation.NodesOf(1, 3);
            Assert.All(first.Where(r => onB.Contains(r.Key)), r => Assert.False(r.Value.Succeeded, $"{r.Key} sent to the killed replica, yet its run succeeded"));
            Assert.All(first.Where(r => !onB.Contains(r.Key)), r => Assert.True(r.Value.Succeeded, $"{r.Key}: {r.Value.Failure}"));

            // A watcher on c heard the capacity changes of the directories that only a accepted.
            var acceptedByA = DevelopmentFederation.NodesOf(0, 3).Where(j => first[j].CapacitiesSent).ToArray();
            Assert.NotEmpty(acceptedByA);
            await heardOnC.WaitForAsync(acceptedByA, timeout.Token);

            // Every node runs again against the survivors: what the killed replica left undelivered is delivered.
            PointNodesAt(federation, layout, a.Address, c.Address);
            var second = await WhenAllAsync(Jurisdiction.All.ToDictionary(j => j, j => RunNodeAsync(layout, j, timeout.Token)));
            Assert.All(second, r => Assert.True(r.Value.Succeeded, $"{r.Key} after the kill: {r.Value.Failure}"));

            await AssertNothingLostOrDuplicatedAsync(layout);
            foreach (var survivor in new[] { a, c })
            {
                var verify = await ExternalProcess.RunFedAsync(Timeout, "log", "verify", "--data", layout.Root, "--gateway", survivor.Address.ToString());
                Assert.True(verify.ExitCode == 0, $"fed log verify against replica {survivor.Name}: {verify.Output}{verify.Error}");
            }

            await AssertSameAnswersAsync((onA, referralOnA), (onC, referralOnC), timeout.Token);
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }

            try
            {
                Directory.Delete(layout.Root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the OS cleans the temp folder.
            }
        }
    }

    // The clients (nodes, analyst, administrator) are written into the database by a gateway host in this process, as
    // `fed demo` does; it also creates the tables and the empty log's checkpoint.
    private static async Task EnrolAsync(DemoLayout layout, DevelopmentFederation federation, string connectionString)
    {
        await using var gateway = DemoRunner.CreateGateway(layout, port: 0, postgres: connectionString);
        await gateway.StartAsync();
        await federation.EnrolAsync(gateway.Services, CancellationToken.None);
        await gateway.StopAsync();
    }

    // Spreads the nodes across these replicas. A node tries each upload six times in a run, half a second to a second
    // apart: one sent to a dead replica fails within seconds, one held by the test (30 s deadline) is tried again.
    private static void PointNodesAt(DevelopmentFederation federation, DemoLayout layout, params Uri[] replicas)
    {
        federation.ConfigureNodes(replicas);
        foreach (var jurisdiction in Jurisdiction.All)
        {
            var configuration = NodeConfiguration.Load(layout.NodeConfiguration(jurisdiction));
            configuration.Outbox = new NodeConfiguration.OutboxSettings { AttemptsPerRun = 6, InitialBackoffSeconds = 0.5, MaxBackoffSeconds = 1 };
            configuration.Save(layout.NodeConfiguration(jurisdiction));
        }
    }

    // One run of a node as `fed node run --once` does it: statistics, then the service directory.
    private static Task<NodeOutcome> RunNodeAsync(DemoLayout layout, string jurisdiction, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        var configuration = NodeConfiguration.Load(layout.NodeConfiguration(jurisdiction));
        try
        {
            await new NodeRunner(configuration, TimeProvider.System).RunAsync(cancellationToken);
            var directory = await new DirectoryRunner(configuration, TimeProvider.System).RunAsync(cancellationToken);
            return new NodeOutcome(null, directory.Snapshot.Services.Any(s => s.Capacities.Count > 0));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new NodeOutcome(e.Message, false);
        }
    });

    private static async Task<Dictionary<string, NodeOutcome>> WhenAllAsync(Dictionary<string, Task<NodeOutcome>> runs)
    {
        await Task.WhenAll(runs.Values);
        return runs.ToDictionary(r => r.Key, r => r.Value.Result);
    }

    // Every release each node signed is a leaf exactly once, and the log holds nothing else: one statistics release per
    // dataset and reference year of each node (the demo's nodes publish victims and court cases).
    private async Task AssertNothingLostOrDuplicatedAsync(DemoLayout layout)
    {
        var signed = new List<(OutboxEntryKind Kind, string Id)>();
        var expectedStatistics = 0;
        foreach (var jurisdiction in Jurisdiction.All)
        {
            var configuration = NodeConfiguration.Load(layout.NodeConfiguration(jurisdiction));
            expectedStatistics += configuration.StatisticsDatasets().Sum(d => d.ReferenceYears.Count);
            var outbox = await (await Outbox.OpenAsync(NodeStateLayout.Of(configuration).Root, TimeProvider.System)).ListAsync();
            Assert.All(outbox, e => Assert.True(e.State == OutboxEntryState.Delivered, $"{jurisdiction}: {e.Kind} {e.SubmissionId} is {e.State}"));
            signed.AddRange(outbox.Select(e => (e.Kind, e.SubmissionId)));
        }

        var logged = new List<(int Kind, string Id, long Leaf)>();
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT kind, release_id, leaf_index FROM log_entries ORDER BY leaf_index", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                logged.Add((reader.GetInt32(0), reader.GetString(1), reader.GetInt64(2)));
            }
        }

        Assert.Equal(Enumerable.Range(0, logged.Count).Select(i => (long)i), logged.Select(l => l.Leaf));
        Assert.True(expectedStatistics >= Jurisdiction.All.Count * DevelopmentFederation.Years.Count, $"Each node releases at least the victims' {DevelopmentFederation.Years.Count} years; configured: {expectedStatistics} releases.");
        Assert.Equal(expectedStatistics, signed.Count(s => s.Kind == OutboxEntryKind.Statistics));
        Assert.Equal(signed.Select(s => s.Id).Order(StringComparer.Ordinal), logged.Select(l => l.Id).Order(StringComparer.Ordinal));
        Assert.Equal(
            signed.Where(s => s.Kind == OutboxEntryKind.Statistics).Select(s => s.Id).Order(StringComparer.Ordinal),
            logged.Where(l => l.Kind == (int)LeafKind.StatisticsRelease).Select(l => l.Id).Order(StringComparer.Ordinal));
    }

    // Each replica asked as an analyst (log, queries) and as a referral desk (the directory with exact capacities).
    private static async Task AssertSameAnswersAsync(
        (GatewayClients Analyst, GatewayClients Referral) first,
        (GatewayClients Analyst, GatewayClients Referral) second,
        CancellationToken cancellationToken)
    {
        async Task<T[]> AskBothAsync<T>(Func<GatewayClients, Task<T>> ask) => [await ask(first.Analyst), await ask(second.Analyst)];
        async Task<T[]> AskBothDesksAsync<T>(Func<GatewayClients, Task<T>> ask) => [await ask(first.Referral), await ask(second.Referral)];
        var deadline = () => DateTime.UtcNow.AddSeconds(60);

        var checkpoints = await AskBothAsync(async g => (await g.Log.GetCheckpointAsync(new GetCheckpointRequest(), deadline: deadline(), cancellationToken: cancellationToken)).Checkpoint);
        Assert.Equal(checkpoints[0], checkpoints[1]);
        foreach (var request in new[]
        {
            new QueryRequest { DatasetId = "trafficking.victims.v1", ByJurisdiction = true },
            new QueryRequest { DatasetId = "trafficking.victims.v1", GroupBy = { "gender", "age_group" } },
            new QueryRequest { DatasetId = "trafficking.victims.v1", ByJurisdiction = true, Publication = true },
        })
        {
            var answers = await AskBothAsync(g => g.Query.QueryAsync(request, deadline: deadline(), cancellationToken: cancellationToken).ResponseAsync);
            Assert.NotEmpty(answers[0].Rows);
            // Alike in everything but when each replica computed its answer.
            Assert.All(answers, a => Assert.NotNull(a.ComputedAt));
            answers[1].ComputedAt = answers[0].ComputedAt;
            Assert.Equal(answers[0], answers[1]);
        }

        // The same services, organizations, redacted locations and capacities (as_of is when each answered).
        foreach (var request in new[] { new FindServicesRequest(), new FindServicesRequest { ServiceTypes = { ServiceType.EmergencyShelter }, AvailableNow = true } })
        {
            var found = await AskBothDesksAsync(g => g.Directory.FindServicesAsync(request, deadline: deadline(), cancellationToken: cancellationToken).ResponseAsync);
            Assert.NotEmpty(found[0].Matches);
            Assert.Equal((found[0].TotalMatches, found[0].Matches), (found[1].TotalMatches, found[1].Matches));
        }
    }

    private static GatewayClients Connect(string credentials, Uri address, FederationTrust trust)
    {
        var tokens = new GatewayTokenProvider(address, ClientSecretFile.Load(credentials).ToCredentials(), trust);
        return new GatewayClients(tokens, GatewayChannel.Create(address, trust, tokens: tokens));
    }

    // Reads every change a WatchCapacity stream (all jurisdictions) carries until cancelled.
    private static HeardChanges WatchAll(GatewayClients gateway, CancellationToken cancellationToken)
    {
        var heard = new HeardChanges();
        var watch = gateway.Directory.WatchCapacity(new WatchCapacityRequest(), cancellationToken: cancellationToken);
        heard.Reading = Task.Run(async () =>
        {
            using (watch)
            {
                await watch.ResponseHeadersAsync;
                heard.Established.TrySetResult();
                while (await watch.ResponseStream.MoveNext(cancellationToken))
                {
                    heard.Jurisdictions[watch.ResponseStream.Current.Jurisdiction] = true;
                }
            }
        }, cancellationToken);
        return heard;
    }

    private sealed record NodeOutcome(string? Failure, bool CapacitiesSent)
    {
        public bool Succeeded => Failure is null;
    }

    private sealed class HeardChanges
    {
        public ConcurrentDictionary<string, bool> Jurisdictions { get; } = new(StringComparer.Ordinal);

        public TaskCompletionSource Established { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reading { get; set; } = Task.CompletedTask;

        public async Task WaitForAsync(IReadOnlyCollection<string> jurisdictions, CancellationToken cancellationToken)
        {
            while (!jurisdictions.All(Jurisdictions.ContainsKey))
            {
                if (Reading.IsCompleted)
                {
                    await Reading;
                    Assert.Fail("The watch ended before it carried every change.");
                }

                await Task.Delay(50, cancellationToken);
            }
        }
    }

    private sealed class GatewayClients(GatewayTokenProvider tokens, GrpcChannel channel) : IDisposable
    {
        public TransparencyLogService.TransparencyLogServiceClient Log { get; } = new(channel);

        public QueryService.QueryServiceClient Query { get; } = new(channel);

        public DirectoryService.DirectoryServiceClient Directory { get; } = new(channel);

        public void Dispose()
        {
            channel.Dispose();
            tokens.Dispose();
        }
    }

    /// <summary>The log's single-writer lock taken by the test: every replica's append waits until it is disposed.</summary>
    private sealed class AppendHold : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly NpgsqlTransaction _transaction;

        private AppendHold(NpgsqlConnection connection, NpgsqlTransaction transaction)
        {
            _connection = connection;
            _transaction = transaction;
        }

        public static async Task<AppendHold> TakeAsync(string connectionString)
        {
            var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            var transaction = await connection.BeginTransactionAsync();
            await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction);
            command.Parameters.AddWithValue("key", PostgresLogStore.AppendLock);
            await command.ExecuteNonQueryAsync();
            return new AppendHold(connection, transaction);
        }

        // Until a session of the replica waits for the lock: an upload it verified is about to be appended.
        public async Task WaitForWaitingAppendAsync(string applicationName, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand(
                """
                SELECT count(*) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
                WHERE a.application_name = @name AND l.locktype = 'advisory' AND NOT l.granted
                """,
                _connection,
                _transaction);
            command.Parameters.AddWithValue("name", applicationName);
            while ((long)(await command.ExecuteScalarAsync(cancellationToken))! == 0)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _transaction.RollbackAsync();
            await _connection.DisposeAsync();
        }
    }

    /// <summary>A gateway process (Federation.Gateway.dll) of the development federation on the shared database.</summary>
    private sealed class GatewayReplica : IAsyncDisposable
    {
        private readonly RunningProcess _process;
        private bool _killed;

        private GatewayReplica(string name, Uri address, RunningProcess process)
        {
            Name = name;
            Address = address;
            _process = process;
        }

        public string Name { get; }

        public Uri Address { get; }

        /// <summary>How the replica's database sessions are named (pg_stat_activity.application_name).</summary>
        public string ApplicationName => ApplicationNameOf(Name);

        public static GatewayReplica Start(DemoLayout layout, string connectionString, string name)
        {
            var port = FreePort();
            var replicaConnection = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = ApplicationNameOf(name) }.ConnectionString;
            var process = ExternalProcess.Start("dotnet",
            [
                Path.Combine(AppContext.BaseDirectory, "Federation.Gateway.dll"),
                "--Gateway:Store=postgres",
                $"--Gateway:ConnectionString={replicaConnection}",
                $"--Gateway:TrustRootPath={layout.RootCertificate}",
                $"--Gateway:TlsCertificatePath={layout.GatewayCertificate}",
                $"--Gateway:TlsPrivateKeyPath={layout.GatewayPrivateKey}",
                $"--Gateway:LogSigningKeyPath={layout.LogSigningKey}",
                $"--Gateway:LogOrigin={DevelopmentFederation.LogOrigin}",
                $"--Gateway:SigningCertificatePath={layout.GatewaySigningCertificate}",
                $"--Gateway:SigningPrivateKeyPath={layout.GatewaySigningPrivateKey}",
                "--Gateway:ListenAddress=127.0.0.1",
                $"--Gateway:Port={port.ToString(CultureInfo.InvariantCulture)}",
                "--Logging:LogLevel:Default=Warning",
                // Development, as the demo: each replica is reached at its own address, which names its tokens' issuer.
                "--environment", "Development",
            ]);
            return new GatewayReplica(name, new Uri($"https://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"), process);
        }

        // Until the gRPC health service says SERVING (anonymous, as a load balancer asks).
        public async Task WaitUntilServingAsync(FederationTrust trust, CancellationToken cancellationToken)
        {
            using var channel = GatewayChannel.Create(Address, trust);
            var health = new Health.HealthClient(channel);
            while (true)
            {
                if (_process.Exited.IsCompleted)
                {
                    Assert.Fail($"Gateway replica {Name} exited {_process.ExitCode} while starting: {await _process.Error}{await _process.Output}");
                }

                try
                {
                    var answer = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken);
                    if (answer.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                    {
                        return;
                    }
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
                {
                    // Not listening yet.
                }

                await Task.Delay(200, cancellationToken);
            }
        }

        /// <summary>SIGKILL: no shutdown code runs; its database sessions end when the server notices.</summary>
        public async Task KillAsync()
        {
            _killed = true;
            await _process.KillAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (!_killed && !_process.Exited.IsCompleted)
            {
                await _process.KillAsync();
            }

            _process.Dispose();
        }

        private static string ApplicationNameOf(string name) => $"federation-replica-{name}";

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
