using System.Collections.Concurrent;
using Federation.Contracts.V1;
using Federation.Gateway.Hosting;
using Federation.Gateway.Identity;
using Federation.Gateway.Storage;
using Federation.Testing.Postgres;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Federation.Gateway.Tests;

/// <summary>
/// A gateway started with Gateway:Store=postgres keeps its clients and its audit log in a real PostgreSQL server. Each
/// test has a database of its own: each test federation has its own log key, and a log signed by another key is
/// (rightly) refused.
/// </summary>
public sealed class PostgresGatewayTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    private Action<GatewayOptions> OnPostgres(string? connectionString = null) => options =>
    {
        options.Store = GatewayOptions.PostgresStore;
        options.ConnectionString = connectionString ?? _database.ConnectionString;
    };

    [Fact]
    public async Task Clients_tokens_and_audit_records_are_kept_in_the_PostgreSQL_database()
    {
        await using var gateway = await GatewayFixture.StartAsync(OnPostgres());

        await gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1", GroupBy = { "gender" } });
        await gateway.ReadAuditAsync();

        Assert.False(File.Exists(Path.Combine(gateway.Federation.Directory, "identity.db")));
        Assert.Equal(1L, await ScalarAsync("""SELECT count(*) FROM "FederationClients" WHERE "ClientId" = 'test-analyst' AND "Kind" = 2"""));
        Assert.Equal(1L, await ScalarAsync("""SELECT count(*) FROM "OpenIddictApplications" WHERE "ClientId" = 'test-analyst'"""));
        Assert.True(await ScalarAsync("""
            SELECT count(*) FROM audit_log
            WHERE client_id = 'test-analyst' AND method = '/federation.v1.QueryService/Query' AND outcome = 'OK' AND parameters LIKE '%"gender"%'
            """) >= 1);
    }

    [Fact]
    public async Task A_gateway_on_PostgreSQL_needs_no_data_folder_and_writes_no_file_there()
    {
        await using var gateway = await GatewayFixture.StartAsync(options =>
        {
            OnPostgres()(options);
            options.DataDirectory = null;
        });

        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("PE", DateTime.UtcNow.Year - 1, total: 12), gateway.Federation.Node("PE")));

        Assert.Equal(12, Assert.Single((await gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1", Years = { DateTime.UtcNow.Year - 1 } })).Rows).Value);
        Assert.Empty(Directory.EnumerateFiles(gateway.Federation.Directory, "*.db"));
    }

    [Fact]
    public async Task A_client_registered_on_one_replica_gets_tokens_from_another_and_both_write_one_audit_log()
    {
        await using var first = await GatewayFixture.StartAsync(OnPostgres());
        await using var second = await GatewayFixture.StartAsync(OnPostgres());
        var secret = await first.WithRegistryAsync(async registry =>
            (await registry.RegisterSecretClientAsync("replica-analyst", ClientKind.Analyst, CancellationToken.None)).Secret);

        using var tokens = second.TokensFor(Sdk.Identity.GatewayCredentials.ForSecret("replica-analyst", secret, Sdk.Identity.FederationScopes.Query));
        using var channel = second.ChannelFor(tokens);
        await new QueryService.QueryServiceClient(channel).QueryAsync(
            new QueryRequest { DatasetId = "trafficking.victims.v1" }, deadline: DateTime.UtcNow.AddSeconds(30));
        await second.ReadAuditAsync(); // the replica that answered has stored its batch
        using var admin = first.TokensFor(GatewayFixture.AdminCredentials);
        using var adminChannel = first.ChannelFor(admin);
        var entries = (await new AdminService.AdminServiceClient(adminChannel).ListAuditEntriesAsync(
            new ListAuditEntriesRequest { ClientId = "replica-analyst" }, deadline: DateTime.UtcNow.AddSeconds(30))).Entries;

        Assert.Contains(entries, e => e.Method == "/federation.v1.QueryService/Query" && e.Outcome == "OK");
    }

    [Fact]
    public async Task Releases_submitted_concurrently_to_two_replicas_are_logged_once_each_and_served_alike_by_both()
    {
        var federation = new TestFederation();
        await using var first = await GatewayFixture.StartAsync(OnPostgres(), federation: federation);
        await using var second = await GatewayFixture.StartAsync(OnPostgres(), federation: federation);
        var year = DateTime.UtcNow.Year - 1;
        var jurisdictions = new[] { "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT" };
        var envelopes = jurisdictions.Select((j, i) => TestSubmissions.Sign(TestSubmissions.Complete(j, year, total: 10 + i), federation.Node(j))).ToArray();

        // Each release is sent to both replicas at once: one leaf for it, and the same receipt from both.
        var receipts = await Task.WhenAll(envelopes.SelectMany(e => new[] { first.SubmitAsync(e), second.SubmitAsync(e) }));

        for (var i = 0; i < envelopes.Length; i++)
        {
            Assert.Equal(receipts[2 * i], receipts[(2 * i) + 1]);
        }

        Assert.Equal(jurisdictions.Length, receipts.Select(r => r.LeafIndex).Distinct().Count());
        Assert.Equal((long)jurisdictions.Length, await ScalarAsync("SELECT count(*) FROM log_entries WHERE kind = 1"));
        var query = new QueryRequest { DatasetId = "trafficking.victims.v1", Years = { year }, ByJurisdiction = true };
        var (fromFirst, fromSecond) = (await first.QueryAsync(query), await second.QueryAsync(query));
        Assert.Equal(fromFirst.Rows, fromSecond.Rows);
        Assert.Equal(jurisdictions.Length, fromFirst.Rows.Count);
        var checkpoints = await Task.WhenAll(new[] { first, second }.Select(async g =>
            (await new TransparencyLogService.TransparencyLogServiceClient(g.Channel).GetCheckpointAsync(new GetCheckpointRequest())).Checkpoint));
        Assert.Equal(checkpoints[0], checkpoints[1]);
    }

    [Fact]
    public async Task A_capacity_change_accepted_by_one_replica_reaches_the_watchers_of_another_as_it_reaches_its_own()
    {
        var now = DateTimeOffset.UtcNow;
        var (first, second) = await StartTwoReplicasWithOntarioAsync(now);
        await using var firstReplica = first;
        await using var secondReplica = second;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var onFirst = await WatchOntarioAsync(first, timeout.Token);
        using var onSecond = await WatchOntarioAsync(second, timeout.Token);

        // Nothing is asked of the second replica: it hears of the append through the database.
        await first.PublishAsync(TestDirectories.Update("ON", ("A", TestDirectories.Beds(0, 10, now.AddSeconds(-1)))));

        Assert.True(await onSecond.ResponseStream.MoveNext(timeout.Token));
        Assert.True(await onFirst.ResponseStream.MoveNext(timeout.Token));
        var change = onSecond.ResponseStream.Current;
        Assert.Equal(("ON", "A", "Service A", 0, 3, false), (change.Jurisdiction, change.ServiceId, change.ServiceName, change.Capacity.Available, change.PreviousAvailable, change.CurrentState));
        Assert.Equal(onFirst.ResponseStream.Current, change);
    }

    [Fact]
    public async Task A_replica_whose_listening_connection_is_cut_listens_again_and_its_watchers_miss_no_change()
    {
        var now = DateTimeOffset.UtcNow;
        var (first, second) = await StartTwoReplicasWithOntarioAsync(now);
        await using var firstReplica = first;
        await using var secondReplica = second;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var watch = await WatchOntarioAsync(second, timeout.Token);
        var listening = await WaitForListenersAsync(2, [], timeout.Token);

        // The server ends both replicas' listening sessions (as a restart or a network cut would); the append that
        // follows may be announced while no one listens: the second replica catches up when it listens again.
        await ScalarAsync($"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid IN ({string.Join(',', listening)})");
        await first.PublishAsync(TestDirectories.Update("ON", ("C", TestDirectories.Beds(1, 8, now.AddSeconds(-1)))));

        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(("C", 1, 0), (watch.ResponseStream.Current.ServiceId, watch.ResponseStream.Current.Capacity.Available, watch.ResponseStream.Current.PreviousAvailable));
        await WaitForListenersAsync(2, listening, timeout.Token);
    }

    [Fact]
    public async Task A_node_enrolled_through_two_replicas_at_once_is_registered_once_and_gets_tokens_from_both()
    {
        var federation = new TestFederation();
        await using var first = await GatewayFixture.StartAsync(OnPostgres(), federation: federation);
        await using var second = await GatewayFixture.StartAsync(OnPostgres(), federation: federation);
        var certificate = federation.Node("NU");

        var enrolments = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            (i % 2 == 0 ? first : second).WithRegistryAsync(registry => registry.RegisterNodeAsync(certificate, CancellationToken.None))));

        Assert.All(enrolments, enrolment => Assert.Equal(("node-nu", "NU"), (enrolment.Client.ClientId, enrolment.Certificate.Jurisdiction)));
        Assert.Equal(1L, await ScalarAsync("""SELECT count(*) FROM "FederationNodeCertificates" WHERE "ClientId" = 'node-nu'"""));
        foreach (var gateway in new[] { first, second })
        {
            Assert.NotEmpty(await (await gateway.NodeTokensAsync("NU")).GetAccessTokenAsync());
        }
    }

    [Fact]
    public async Task A_client_revoked_through_one_replica_or_deleted_in_SQL_is_refused_at_its_next_call_on_another()
    {
        var federation = new TestFederation();
        await using var first = await GatewayFixture.StartAsync(OnPostgres(), federation: federation);
        await using var second = await GatewayFixture.StartAsync(OnPostgres(), federation: federation);
        var query = new QueryRequest { DatasetId = "trafficking.victims.v1" };
        await second.QueryAsync(query); // the second replica holds its clients in memory now
        const string secret = "replica-analyst-secret-for-the-revocation-test";
        await first.WithRegistryAsync(r => r.EnsureSecretClientAsync("analyst-deleted", ClientKind.Analyst, secret, replaceSecret: true, CancellationToken.None));
        using var deletedTokens = second.TokensFor(Sdk.Identity.GatewayCredentials.ForSecret("analyst-deleted", secret, Sdk.Identity.FederationScopes.Query));
        using var deletedChannel = second.ChannelFor(deletedTokens);
        var deleted = new QueryService.QueryServiceClient(deletedChannel);
        await deleted.QueryAsync(query, deadline: DateTime.UtcNow.AddSeconds(30));

        await first.WithRegistryAsync(r => r.RevokeClientAsync(GatewayFixture.AnalystId, "left the agency", CancellationToken.None));
        await ScalarAsync("""DELETE FROM "FederationClients" WHERE "ClientId" = 'analyst-deleted'""");

        var revoked = await Assert.ThrowsAsync<RpcException>(() => second.QueryAsync(query));
        Assert.Equal(StatusCode.PermissionDenied, revoked.StatusCode);
        Assert.Contains("left the agency", revoked.Status.Detail, StringComparison.Ordinal);
        var gone = await Assert.ThrowsAsync<RpcException>(async () => await deleted.QueryAsync(query, deadline: DateTime.UtcNow.AddSeconds(30)));
        Assert.Equal(StatusCode.PermissionDenied, gone.StatusCode);
        Assert.Contains("'analyst-deleted' is not registered", gone.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_database_password_appears_in_no_log_line_even_at_trace_level()
    {
        var logs = new CapturedLogs();
        await using (var gateway = await GatewayFixture.StartAsync(OnPostgres(), builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(logs);
        }))
        {
            await gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1" });
            await Assert.ThrowsAsync<RpcException>(() => gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1", GroupBy = { "colour" } }));
        }

        // The capture saw the database work (so the check below looked at something), and none of it shows the secret.
        Assert.Contains(logs.Lines, line => line.StartsWith("Npgsql", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, line => line.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains(PostgresServer.Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_password_stops_the_start_with_a_message_naming_the_setting_and_the_database_but_not_the_password()
    {
        var wrong = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Password = "wrong-Passw0rd-x" };

        var failure = await Assert.ThrowsAsync<GatewayDatabaseUnavailableException>(() => GatewayFixture.StartAsync(OnPostgres(wrong.ConnectionString)));

        Assert.StartsWith(
            $"Gateway:ConnectionString: cannot connect to the PostgreSQL database '{wrong.Database}' on 127.0.0.1:{wrong.Port} as '{PostgresServer.User}': ",
            failure.Message, StringComparison.Ordinal);
        Assert.Contains("password authentication failed", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-Passw0rd-x", failure.ToString(), StringComparison.Ordinal);
    }

    // Two replicas on the test's database; Ontario's directory snapshot (TestDirectories.Ontario) accepted by the first.
    private async Task<(GatewayFixture First, GatewayFixture Second)> StartTwoReplicasWithOntarioAsync(DateTimeOffset now)
    {
        var federation = new TestFederation();
        var first = await GatewayFixture.StartAsync(OnPostgres(), federation: federation);
        var second = await GatewayFixture.StartAsync(OnPostgres(), federation: federation);
        await first.PublishAsync(TestDirectories.Release("ON", TestDirectories.Ontario(now)));
        return (first, second);
    }

    // A watch of Ontario's capacities on a replica that has served the directory so far (so the stream carries only later changes).
    private static async Task<AsyncServerStreamingCall<WatchCapacityResponse>> WatchOntarioAsync(GatewayFixture gateway, CancellationToken cancellationToken)
    {
        await gateway.Directory().CapacitySummaryAsync(new CapacitySummaryRequest(), cancellationToken: cancellationToken);
        var watch = gateway.ReferralDirectory().WatchCapacity(new WatchCapacityRequest { Jurisdictions = { "ON" } }, cancellationToken: cancellationToken);
        await watch.ResponseHeadersAsync;
        return watch;
    }

    // The process ids of the sessions listening for appends to this database's log, once there are <paramref name="count"/>
    // of them other than <paramref name="excluded"/>.
    private async Task<IReadOnlyList<int>> WaitForListenersAsync(int count, IReadOnlyList<int> excluded, CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var connection = new NpgsqlConnection(_database.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = @listen", connection);
            command.Parameters.AddWithValue("listen", PostgresLogGrowthListener.Listen);
            var pids = new List<int>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    pids.Add(reader.GetInt32(0));
                }
            }

            if (pids.Except(excluded).Count() >= count)
            {
                return pids;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Every log line (category, message, exception) of a host.</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {exception}");
        }
    }
}

/// <summary>Gateway:Store and Gateway:ConnectionString are checked at start-up; no message shows a password.</summary>
public sealed class GatewayStoreOptionsTests
{
    private const string Secret = "hunter2-Secret-x";

    [Theory]
    [InlineData("mysql", null, "Gateway:Store: 'mysql' is not a store: use sqlite (the default, files in Gateway:DataDirectory) or postgres (with Gateway:ConnectionString).")]
    [InlineData("postgres", null, "Gateway:ConnectionString must be set when Gateway:Store is postgres: ")]
    [InlineData("postgres", "Database=federation;Username=gateway;Password=" + Secret, "Gateway:ConnectionString: it names no Host (for example Host=db.example.ca).")]
    [InlineData("postgres", "Host=db;Username=gateway;Password=" + Secret, "Gateway:ConnectionString: it names no Database (for example Database=federation)")]
    [InlineData("postgres", "Host=db;Database=federation;Password=" + Secret, "Gateway:ConnectionString: it names no Username (for example Username=gateway).")]
    [InlineData("postgres", "Host=db;Password=" + Secret + ";Bogus Keyword=1", "Gateway:ConnectionString: Npgsql refuses it: ")]
    [InlineData("sqlite", "Host=db;Database=federation;Password=" + Secret, "Gateway:ConnectionString is set but Gateway:Store is sqlite: ")]
    [InlineData("Host=db;Database=federation;Password=" + Secret, null, "Gateway:Store holds what looks like a connection string (not shown): ")]
    public async Task A_bad_store_setting_stops_the_start_with_a_message_that_names_it_and_shows_no_password(string store, string? connectionString, string expected)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayFixture.StartAsync(options =>
        {
            options.Store = store;
            options.ConnectionString = connectionString;
        }));

        Assert.Contains(failure.Failures, message => message.StartsWith(expected, StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, failure.ToString(), StringComparison.Ordinal);
    }
}
