using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Federation.Contracts.V1;
using Federation.Sdk.Client;
using Federation.Sdk.Identity;
using Federation.Sdk.Trust;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Tests;

/// <summary>
/// The identity and access protections, one test each; every test fails if its protection is removed. (Tampered
/// payloads and signatures, certificates of another root, another province's data and oversized messages are also
/// covered in <see cref="SubmitTests"/>.)
/// </summary>
public sealed class SecurityTests(SharedGateway shared) : IClassFixture<SharedGateway>
{
    private static readonly int LastYear = DateTime.UtcNow.Year - 1;
    private static readonly QueryRequest s_query = new() { DatasetId = "trafficking.victims.v1" };

    [Fact]
    public async Task A_call_without_a_token_is_unauthenticated()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var channel = GatewayChannel.Create(gateway.Address, gateway.Federation.Trust);

        var query = await Assert.ThrowsAsync<RpcException>(async () => await new QueryService.QueryServiceClient(channel).QueryAsync(s_query));
        var submit = await Assert.ThrowsAsync<RpcException>(async () => await new SubmissionService.SubmissionServiceClient(channel).SubmitAsync(
            new SubmitRequest { Envelope = TestSubmissions.Sign(TestSubmissions.Complete("ON", LastYear), gateway.Federation.Node("ON")) }));

        Assert.Equal(StatusCode.Unauthenticated, query.StatusCode);
        Assert.Contains("No access token", query.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.Unauthenticated, submit.StatusCode);
    }

    [Fact]
    public async Task A_token_reissued_unchanged_with_the_gateway_key_is_accepted()
    {
        // The control for the three tests below: the re-signing itself is not what they refuse.
        await using var gateway = await GatewayFixture.StartAsync();
        var token = AccessTokens.ReissueAsGateway(gateway, await gateway.Analyst.GetAccessTokenAsync());

        var response = await QueryWithTokenAsync(gateway, token);

        Assert.Equal("T0", response.TableId);
    }

    [Fact]
    public async Task An_expired_token_is_unauthenticated()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var token = AccessTokens.ReissueAsGateway(gateway, await gateway.Analyst.GetAccessTokenAsync(), claims =>
        {
            claims["iat"] = AccessTokens.UnixTime(now.AddHours(-2));
            claims["nbf"] = AccessTokens.UnixTime(now.AddHours(-2));
            claims["exp"] = AccessTokens.UnixTime(now.AddHours(-1));
        });

        var refusal = await Assert.ThrowsAsync<RpcException>(() => QueryWithTokenAsync(gateway, token));

        Assert.Equal(StatusCode.Unauthenticated, refusal.StatusCode);
        Assert.Contains("refused", refusal.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_for_another_audience_is_unauthenticated()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var token = AccessTokens.ReissueAsGateway(gateway, await gateway.Analyst.GetAccessTokenAsync(), claims => claims["aud"] = "some-other-api");

        var refusal = await Assert.ThrowsAsync<RpcException>(() => QueryWithTokenAsync(gateway, token));

        Assert.Equal(StatusCode.Unauthenticated, refusal.StatusCode);
    }

    [Fact]
    public async Task A_token_signed_by_another_key_is_unauthenticated()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var signing = CertificateFiles.LoadCertificate(gateway.Federation.GatewaySigningCertificatePem);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var token = AccessTokens.Reissue(await gateway.Analyst.GetAccessTokenAsync(), otherKey, GatewayCredentials.KeyIdOf(signing));

        var refusal = await Assert.ThrowsAsync<RpcException>(() => QueryWithTokenAsync(gateway, token));

        Assert.Equal(StatusCode.Unauthenticated, refusal.StatusCode);
    }

    [Fact]
    public async Task An_analyst_token_calling_Submit_is_permission_denied()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.NodeTokensAsync("ON");
        var envelope = TestSubmissions.Sign(TestSubmissions.Complete("ON", LastYear), gateway.Federation.Node("ON"));

        var refusal = await Assert.ThrowsAsync<RpcException>(async () => await gateway.Submissions.SubmitAsync(
            new SubmitRequest { Envelope = envelope }, headers: await GatewayFixture.BearerAsync(gateway.Analyst)));

        Assert.Equal(StatusCode.PermissionDenied, refusal.StatusCode);
        Assert.Contains("federation.submit", refusal.Status.Detail, StringComparison.Ordinal);
        await AssertNothingStoredAsync(gateway);
    }

    [Fact]
    public async Task A_node_token_calling_an_admin_method_is_permission_denied()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var channel = gateway.ChannelFor(await gateway.NodeTokensAsync("ON"));

        var refusal = await Assert.ThrowsAsync<RpcException>(async () =>
            await new AdminService.AdminServiceClient(channel).ListAuditEntriesAsync(new ListAuditEntriesRequest()));

        Assert.Equal(StatusCode.PermissionDenied, refusal.StatusCode);
        Assert.Contains("federation.admin", refusal.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_token_cannot_query()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var channel = gateway.ChannelFor(await gateway.NodeTokensAsync("ON"));

        var refusal = await Assert.ThrowsAsync<RpcException>(async () => await new QueryService.QueryServiceClient(channel).QueryAsync(s_query));

        Assert.Equal(StatusCode.PermissionDenied, refusal.StatusCode);
    }

    [Fact]
    public async Task A_node_submitting_another_provinces_data_with_its_own_token_and_key_is_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var ontario = await gateway.NodeTokensAsync("ON");
        var envelope = TestSubmissions.Sign(TestSubmissions.Complete("QC", LastYear), gateway.Federation.Node("ON"));

        var refusal = await RefusalAssert.RefusedAsync(StatusCode.PermissionDenied, "submission.jurisdiction", async () =>
            await gateway.Submissions.SubmitAsync(new SubmitRequest { Envelope = envelope }, headers: await GatewayFixture.BearerAsync(ontario)));

        Assert.Contains("'QC'", refusal.Status.Detail, StringComparison.Ordinal);
        await AssertNothingStoredAsync(gateway);
    }

    [Fact]
    public async Task An_envelope_replayed_by_another_node_is_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var envelope = TestSubmissions.Sign(TestSubmissions.Complete("ON", LastYear), gateway.Federation.Node("ON"));
        var novaScotia = await gateway.NodeTokensAsync("NS");

        var refusal = await RefusalAssert.RefusedAsync(StatusCode.PermissionDenied, "envelope.signature", async () =>
            await gateway.Submissions.SubmitAsync(new SubmitRequest { Envelope = envelope }, headers: await GatewayFixture.BearerAsync(novaScotia)));

        Assert.Contains("'NS'", refusal.Status.Detail, StringComparison.Ordinal);
        await AssertNothingStoredAsync(gateway);
    }

    [Fact]
    public async Task An_envelope_signed_by_another_node_of_the_same_province_is_refused()
    {
        // A province has one active node; the other was the one it replaced.
        await using var gateway = await GatewayFixture.StartAsync();
        using var second = gateway.Federation.Authority.IssueNodeCertificate("ON", "node-on-backup");
        await gateway.WithRegistryAsync(r => r.RegisterNodeAsync(second, CancellationToken.None));
        await gateway.WithRegistryAsync(r => r.RegisterNodeAsync(gateway.Federation.Node("ON"), "node-on-backup", CancellationToken.None));
        var envelope = TestSubmissions.Sign(TestSubmissions.Complete("ON", LastYear), second);

        var refusal = await RefusalAssert.RefusedAsync(StatusCode.PermissionDenied, "envelope.signature", () => gateway.SubmitAsync(envelope));

        Assert.Contains("node-on-backup", refusal.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signature_by_a_key_other_than_the_certificates_is_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.NodeTokensAsync("ON");
        var bytes = TestSubmissions.Complete("ON", LastYear).ToByteArray();
        var genuine = gateway.Federation.Node("ON");
        // A second certificate with the same issuer and serial number but another key: the CMS names the genuine
        // certificate as signer while the signature comes from the other key.
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(genuine.SubjectName, otherKey, HashAlgorithmName.SHA256);
        using var twin = request.Create(gateway.Federation.Authority.Certificate, genuine.NotBefore, genuine.NotAfter, genuine.SerialNumberBytes.ToArray());
        using var twinWithKey = twin.CopyWithPrivateKey(otherKey);
        var cms = new SignedCms(new ContentInfo(bytes), detached: true);
        cms.ComputeSignature(new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, twinWithKey) { IncludeOption = X509IncludeOption.None }, silent: true);
        cms.AddCertificate(genuine);
        var envelope = new SignedEnvelope { Submission = ByteString.CopyFrom(bytes), Signature = ByteString.CopyFrom(cms.Encode()) };

        var refusal = await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "envelope.signature", () => gateway.SubmitAsync(envelope));

        Assert.Contains("another key", refusal.Status.Detail, StringComparison.Ordinal);
        await AssertNothingStoredAsync(gateway);
    }

    [Fact]
    public async Task A_client_assertion_used_twice_is_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.NodeTokensAsync("ON");
        var certificate = gateway.Federation.Node("ON");
        using var key = certificate.GetECDsaPrivateKey()!;
        var assertion = ClientAssertion.Create(GatewayFixture.NodeId("ON"), gateway.Address, key, GatewayCredentials.KeyIdOf(certificate), DateTimeOffset.UtcNow);
        using var http = TokenHttpClient(gateway);

        var first = await RequestTokenAsync(http, gateway, assertion);
        var second = await RequestTokenAsync(http, gateway, assertion);

        Assert.True(first.IsSuccessStatusCode, await first.Content.ReadAsStringAsync());
        Assert.False(second.IsSuccessStatusCode);
        var body = await second.Content.ReadAsStringAsync();
        Assert.Contains("invalid_client", body, StringComparison.Ordinal);
        Assert.Contains("already used", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_assertion_signed_by_a_key_of_another_root_gets_no_token()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.NodeTokensAsync("ON");
        using var otherRoot = FederationCertificateAuthority.Create("Somebody Else's Root");
        using var impostor = otherRoot.IssueNodeCertificate("ON", GatewayFixture.NodeId("ON"));
        using var tokens = gateway.TokensFor(GatewayCredentials.ForNode(GatewayFixture.NodeId("ON"), impostor));

        var refusal = await Assert.ThrowsAsync<GatewayAuthenticationException>(() => tokens.GetAccessTokenAsync());

        Assert.Equal("invalid_client", refusal.Error);
    }

    [Fact]
    public async Task A_certificate_of_another_root_cannot_be_registered()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var otherRoot = FederationCertificateAuthority.Create("Somebody Else's Root");
        using var impostor = otherRoot.IssueNodeCertificate("ON", "node-on");
        using var admin = gateway.TokensFor(GatewayFixture.AdminCredentials);
        using var channel = gateway.ChannelFor(admin);

        await RefusalAssert.RefusedAsync(StatusCode.PermissionDenied, "certificate_pem", async () =>
            await new AdminService.AdminServiceClient(channel).RegisterNodeAsync(new RegisterNodeRequest { CertificatePem = impostor.ExportCertificatePem() }));
    }

    [Fact]
    public async Task Plain_http_to_a_gateway_that_requires_tls_gets_nothing()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var plain = new UriBuilder(gateway.Address) { Scheme = Uri.UriSchemeHttp }.Uri;
        using var channel = GatewayChannel.Create(plain, trust: null);
        using var tokens = new GatewayTokenProvider(plain, GatewayFixture.AnalystCredentials, trust: null);

        var call = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Grpc.Health.V1.Health.HealthClient(channel).CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10)));
        var token = await Assert.ThrowsAsync<GatewayAuthenticationException>(() => tokens.GetAccessTokenAsync());

        // The TLS listener does not speak cleartext HTTP/2: the connection fails before any gRPC exchange.
        Assert.True(call.StatusCode is StatusCode.Unavailable or StatusCode.Internal, call.ToString());
        Assert.True(token.IsTransient, token.Message);
    }

    [Fact]
    public async Task Repeated_failed_authentication_from_one_client_is_slowed_down_and_a_success_resets_it()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var throttle = gateway.App.Services.GetRequiredService<Identity.AuthenticationThrottle>();
        using var wrong = gateway.TokensFor(GatewayCredentials.ForSecret(GatewayFixture.AnalystId, "not-the-secret", FederationScopes.Query));

        for (var attempt = 1; attempt <= Identity.AuthenticationThrottle.FreeFailures + 1; attempt++)
        {
            var refusal = await Assert.ThrowsAsync<GatewayAuthenticationException>(() => wrong.GetAccessTokenAsync());
            Assert.Equal("invalid_client", refusal.Error);
        }

        Assert.Equal(Identity.AuthenticationThrottle.FirstDelay, throttle.DelayFor(GatewayFixture.AnalystId));
        Assert.Equal(TimeSpan.Zero, throttle.DelayFor("someone-else"));

        using var right = gateway.TokensFor(GatewayFixture.AnalystCredentials);
        await right.GetAccessTokenAsync();
        Assert.Equal(TimeSpan.Zero, throttle.DelayFor(GatewayFixture.AnalystId));
    }

    [Fact]
    public async Task A_query_for_every_year_from_1900_to_9999_is_refused_before_any_work()
    {
        var gateway = shared.Gateway;
        await gateway.Analyst.GetAccessTokenAsync(); // the deadline below is for the refusal, not for getting a token
        var hostile = new QueryRequest
        {
            DatasetId = "trafficking.victims.v1",
            GroupBy = { "exploitation_type", "age_group" },
            ByJurisdiction = true,
            Publication = true,
        };
        hostile.Years.AddRange(Enumerable.Range(1900, 8100));

        // Refused, not still running, well within a generous deadline.
        var refusal = await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "years", async () =>
            await gateway.Queries.QueryAsync(hostile, deadline: DateTime.UtcNow.AddSeconds(5)));

        Assert.Contains("at most 100 are allowed (Gateway:Limits:MaxListLength)", refusal.Status.Detail, StringComparison.Ordinal);
        hostile.Years.Clear();
        hostile.Years.Add(9999);
        var future = await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "years[0]", async () =>
            await gateway.Queries.QueryAsync(hostile, deadline: DateTime.UtcNow.AddSeconds(5)));
        Assert.Contains($"years run from 1900 to {DateTime.UtcNow.Year} (the current year)", future.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_whose_answer_would_exceed_the_row_limit_is_resource_exhausted()
    {
        await using var gateway = await GatewayFixture.StartAsync(configureBuilder: builder =>
            builder.Services.Configure<Limits.RequestLimits>(limits => limits.MaxRowsPerAnswer = 1_000));
        var query = new QueryRequest { DatasetId = "trafficking.victims.v1", GroupBy = { "exploitation_type", "age_group" }, ByJurisdiction = true };
        query.Years.AddRange(Enumerable.Range(LastYear - 1, 2));
        await gateway.Analyst.GetAccessTokenAsync(); // the deadline below is for the refusal, not for getting a token

        var refusal = await RefusalAssert.RefusedAsync(StatusCode.ResourceExhausted, "years", async () =>
            await gateway.Queries.QueryAsync(query, deadline: DateTime.UtcNow.AddSeconds(5)));

        Assert.Contains("1040 rows (2 years x 40 groups x 13 jurisdictions)", refusal.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("MaxRowsPerAnswer", refusal.Status.Detail, StringComparison.Ordinal);
        query.Years.RemoveAt(1);
        Assert.Equal(520, (await gateway.QueryAsync(query)).Rows.Count);
    }

    [Fact]
    public async Task An_oversized_string_and_an_overlong_list_are_refused_naming_each_field()
    {
        var gateway = shared.Gateway;
        await gateway.Analyst.GetAccessTokenAsync();
        var query = new QueryRequest { DatasetId = new string('x', 100_000) };
        query.Jurisdictions.AddRange(Enumerable.Repeat("ON", 1_000));

        var refusal = await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "dataset_id", async () =>
            await gateway.Queries.QueryAsync(query, deadline: DateTime.UtcNow.AddSeconds(5)));

        var fields = refusal.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Select(v => v.Field).ToArray();
        Assert.Equal(["dataset_id", "jurisdictions"], fields);
    }

    [Fact]
    public async Task An_invalid_timestamp_or_duration_is_invalid_argument_not_internal()
    {
        var gateway = shared.Gateway;

        await gateway.Analyst.GetAccessTokenAsync();
        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "as_of_time", async () => await gateway.Queries.QueryAsync(
            new QueryRequest { DatasetId = "trafficking.victims.v1", AsOfTime = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 1, Nanos = -5 } },
            deadline: DateTime.UtcNow.AddSeconds(5)));
        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "stale_after", async () => await gateway.Directory().CapacitySummaryAsync(
            new CapacitySummaryRequest { StaleAfter = new Google.Protobuf.WellKnownTypes.Duration { Seconds = long.MaxValue } },
            deadline: DateTime.UtcNow.AddSeconds(5)));
    }

    [Fact]
    public async Task The_request_limits_are_published_in_DescribeDataset()
    {
        var gateway = shared.Gateway;

        var limits = (await gateway.Catalog.DescribeDatasetAsync(new DescribeDatasetRequest { DatasetId = "trafficking.victims.v1" })).Limits;

        Assert.Equal((1900, DateTime.UtcNow.Year), (limits.FirstReferenceYear, limits.LastReferenceYear));
        Assert.Equal((512, 100, 100_000, 4), (limits.MaxStringLength, limits.MaxListLength, limits.MaxRowsPerAnswer, limits.MaxWatchStreamsPerClient));
    }

    [Fact]
    public async Task A_client_over_its_watch_stream_limit_is_resource_exhausted_and_a_closed_watch_frees_its_slot()
    {
        await using var gateway = await GatewayFixture.StartAsync(configureBuilder: builder =>
            builder.Services.Configure<Limits.RequestLimits>(limits => limits.MaxWatchStreamsPerClient = 2));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var first = gateway.ReferralDirectory().WatchCapacity(new WatchCapacityRequest(), cancellationToken: timeout.Token);
        using var second = gateway.ReferralDirectory().WatchCapacity(new WatchCapacityRequest(), cancellationToken: timeout.Token);
        await first.ResponseHeadersAsync;
        await second.ResponseHeadersAsync;

        var refusal = await RefusalAssert.RefusedAsync(StatusCode.ResourceExhausted, "watch_streams", async () =>
        {
            using var third = gateway.ReferralDirectory().WatchCapacity(new WatchCapacityRequest(), cancellationToken: timeout.Token);
            await third.ResponseStream.MoveNext(timeout.Token);
        });
        Assert.Contains("MaxWatchStreamsPerClient", refusal.Status.Detail, StringComparison.Ordinal);

        first.Dispose();
        await WaitUntilAsync(() => gateway.App.Services.GetRequiredService<ServiceDirectory.CapacityBroadcast>().Watchers == 1, timeout.Token);
        using var again = gateway.ReferralDirectory().WatchCapacity(new WatchCapacityRequest(), cancellationToken: timeout.Token);
        await again.ResponseHeadersAsync;
    }

    [Fact]
    public async Task A_watch_ends_when_its_access_token_expires()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var issued = await gateway.Referral.GetAccessTokenAsync();
        var token = AccessTokens.ReissueAsGateway(gateway, issued, claims => claims["exp"] = AccessTokens.UnixTime(DateTimeOffset.UtcNow.AddSeconds(6)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = new DirectoryService.DirectoryServiceClient(gateway.AnonymousChannel).WatchCapacity(
            new WatchCapacityRequest(), new Metadata { { "Authorization", "Bearer " + token } }, cancellationToken: timeout.Token);
        await watch.ResponseHeadersAsync;

        var ended = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(timeout.Token));

        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        Assert.Contains("expired", ended.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_watch_ends_when_its_client_is_revoked()
    {
        await using var gateway = await GatewayFixture.StartAsync(configureBuilder: builder =>
            builder.Services.Configure<Limits.RequestLimits>(limits => limits.WatchAccessCheckSeconds = 1));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = gateway.ReferralDirectory().WatchCapacity(new WatchCapacityRequest(), cancellationToken: timeout.Token);
        await watch.ResponseHeadersAsync;

        await gateway.WithRegistryAsync(r => r.RevokeClientAsync(GatewayFixture.ReferralId, "left the agency", CancellationToken.None));
        var ended = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(timeout.Token));

        Assert.Equal(StatusCode.PermissionDenied, ended.StatusCode);
        Assert.Contains("left the agency", ended.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_graceful_stop_with_a_watch_and_queries_in_flight_completes_within_10_seconds()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("ON", LastYear), gateway.Federation.Node("ON")));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var watch = gateway.ReferralDirectory().WatchCapacity(new WatchCapacityRequest(), cancellationToken: timeout.Token);
        await watch.ResponseHeadersAsync;
        var heaviest = new QueryRequest { DatasetId = "trafficking.victims.v1", GroupBy = { "exploitation_type", "age_group" }, ByJurisdiction = true, Publication = true };
        var queries = Enumerable.Range(0, 4).Select(_ => gateway.Queries.QueryAsync(heaviest, cancellationToken: timeout.Token).ResponseAsync).ToArray();

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await gateway.App.StopAsync(timeout.Token);
        stopping.Stop();

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"The gateway took {stopping.Elapsed} to stop.");
        var ended = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
        foreach (var query in queries)
        {
            // Each finished or was cut off; none is left running.
            await Task.WhenAny(query, Task.Delay(TimeSpan.FromSeconds(10), timeout.Token));
            Assert.True(query.IsCompleted);
        }
    }

    [Fact]
    public async Task A_gzip_bomb_at_the_anonymous_health_check_is_refused_cleanly()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var compressed = new MemoryStream();
        await using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 64; i++)
            {
                await gzip.WriteAsync(zeros);
            }
        }

        var body = new byte[5 + compressed.Length];
        body[0] = 1; // compressed
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)compressed.Length);
        compressed.ToArray().CopyTo(body, 5);
        using var http = TokenHttpClient(gateway);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway.Address, "/grpc.health.v1.Health/Check"))
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        request.Headers.Add("grpc-encoding", "gzip");
        request.Headers.TE.ParseAdd("trailers");

        using var response = await http.SendAsync(request);
        var content = await response.Content.ReadAsByteArrayAsync();
        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var trailer) ? trailer.Single()
            : response.Headers.GetValues("grpc-status").Single();

        Assert.Equal(((int)StatusCode.ResourceExhausted).ToString(System.Globalization.CultureInfo.InvariantCulture), status);
        Assert.Empty(content);

        // The gateway is still responsive afterwards.
        Assert.Equal("T0", (await gateway.QueryAsync(s_query)).TableId);
    }

    [Fact]
    public async Task A_flood_of_refusals_is_stored_up_to_the_limit_per_minute_then_counted_in_one_record()
    {
        using var folder = new TestFederation();
        var clock = new SteppedClock(new DateTimeOffset(2026, 12, 3, 10, 0, 5, TimeSpan.Zero));
        var audit = new Audit.BoundedAuditLog(new Audit.SqliteAuditLog(Path.Combine(folder.Directory, "audit.db")), clock);

        for (var i = 0; i < 1_000; i++)
        {
            await audit.AppendAsync(new Audit.AuditRecord(clock.GetUtcNow(), $"attacker-{i % 7}", "POST /connect/token", "{}", "invalid_client", "wrong secret", Refused: true), CancellationToken.None);
        }

        await audit.AppendAsync(new Audit.AuditRecord(clock.GetUtcNow(), "analyst", "/federation.v1.QueryService/Query", "{}", "OK", string.Empty, Refused: false), CancellationToken.None);
        var duringTheFlood = await audit.ReadAsync(new Audit.AuditQuery(Limit: 10_000), CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(1));
        var after = await audit.ReadAsync(new Audit.AuditQuery(Limit: 10_000), CancellationToken.None);

        Assert.Equal(Audit.BoundedAuditLog.MaxRefusalsPerMinute + 1, duringTheFlood.Count);
        Assert.Contains(duringTheFlood, r => !r.Refused && r.ClientId == "analyst");
        var summary = Assert.Single(after, r => r.Method == Audit.BoundedAuditLog.SummaryMethod);
        Assert.Contains($"{1_000 - Audit.BoundedAuditLog.MaxRefusalsPerMinute} refusals", summary.Detail, StringComparison.Ordinal);
        Assert.Contains("attacker-0 (", summary.Detail, StringComparison.Ordinal);
        Assert.Equal(duringTheFlood.Count + 1, after.Count);
    }

    [Fact]
    public async Task A_failed_token_request_is_audited_with_bounded_escaped_fields()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var http = TokenHttpClient(gateway);
        var forged = "x\n2026-12-03 admin OK\r\n" + new string('A', 50_000);

        using var response = await http.PostAsync(new Uri(gateway.Address, FederationScopes.TokenEndpointPath), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = forged,
            ["client_secret"] = "wrong",
            ["scope"] = FederationScopes.Query,
        }));

        Assert.False(response.IsSuccessStatusCode);
        var records = await gateway.App.Services.GetRequiredService<Audit.IAuditLog>().ReadAsync(new Audit.AuditQuery(RefusalsOnly: true), CancellationToken.None);
        var record = Assert.Single(records, r => r.ClientId.StartsWith('x'));
        Assert.StartsWith("x\\u000a2026-12-03 admin OK\\u000d\\u000a", record.ClientId, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', record.ClientId);
        Assert.True(record.ClientId.Length <= Audit.BoundedAuditLog.MaxClientIdLength + 3, $"{record.ClientId.Length} characters");
    }

    [Fact]
    public async Task Failed_token_requests_under_ever_new_client_ids_from_one_address_are_slowed_down()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var throttle = gateway.App.Services.GetRequiredService<Identity.AuthenticationThrottle>();
        using var http = TokenHttpClient(gateway);

        for (var i = 0; i <= Identity.AuthenticationThrottle.FreeFailuresPerAddress; i++)
        {
            using var response = await http.PostAsync(new Uri(gateway.Address, FederationScopes.TokenEndpointPath), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = $"guess-{i}",
                ["client_secret"] = "wrong",
                ["scope"] = FederationScopes.Query,
            }));
            Assert.False(response.IsSuccessStatusCode);
        }

        Assert.Equal(TimeSpan.Zero, throttle.DelayFor("guess-0"));
        Assert.Equal(Identity.AuthenticationThrottle.FirstDelay, throttle.DelayFor("address:127.0.0.1"));
    }

    [Fact]
    public async Task A_node_whose_certificate_has_expired_gets_no_token()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var shortLived = gateway.Federation.Authority.IssueNodeCertificate("PE", GatewayFixture.NodeId("PE"), TimeSpan.FromSeconds(3));
        await gateway.WithRegistryAsync(registry => registry.RegisterNodeAsync(shortLived, CancellationToken.None));
        using var tokens = gateway.TokensFor(GatewayCredentials.ForNode(GatewayFixture.NodeId("PE"), shortLived));
        await Task.Delay(shortLived.NotAfter.ToUniversalTime() - DateTime.UtcNow + TimeSpan.FromSeconds(1));

        var refusal = await Assert.ThrowsAsync<GatewayAuthenticationException>(() => tokens.GetAccessTokenAsync());

        Assert.Equal("invalid_client", refusal.Error);
        Assert.Contains("expired", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_assertion_living_longer_than_its_jti_is_remembered_is_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.NodeTokensAsync("ON");
        var certificate = gateway.Federation.Node("ON");
        using var key = certificate.GetECDsaPrivateKey()!;
        var keyId = GatewayCredentials.KeyIdOf(certificate);
        var assertion = AccessTokens.Reissue(
            ClientAssertion.Create(GatewayFixture.NodeId("ON"), gateway.Address, key, keyId, DateTimeOffset.UtcNow),
            key,
            keyId,
            claims => claims["exp"] = AccessTokens.UnixTime(DateTimeOffset.UtcNow.AddDays(30)));
        using var http = TokenHttpClient(gateway);

        using var response = await RequestTokenAsync(http, gateway, assertion);

        Assert.False(response.IsSuccessStatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("must expire within 60 minutes", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_gateways_databases_are_created_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes; Windows files inherit the folder's ACL
        }

        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.QueryAsync(s_query); // the identity store and the audit log are written by now

        foreach (var file in new[] { "gateway.db", "identity.db" })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(gateway.Federation.Directory, file)));
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    private static async Task<QueryResponse> QueryWithTokenAsync(GatewayFixture gateway, string token) =>
        await new QueryService.QueryServiceClient(gateway.AnonymousChannel).QueryAsync(
            s_query,
            headers: new Metadata { { "Authorization", "Bearer " + token } },
            deadline: DateTime.UtcNow.AddSeconds(30));

    [Fact]
    public async Task Outside_development_a_gateway_without_a_configured_token_issuer_refuses_to_start()
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayFixture.StartAsync(environment: Environments.Production));

        Assert.Contains("Gateway:TokenIssuer must be set outside development", exception.Message, StringComparison.Ordinal);
        Assert.Contains("The environment is Production", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_development_tokens_name_the_configured_issuer_whatever_host_the_request_names()
    {
        const string issuer = "https://gateway.example.ca:7443/";
        await using var gateway = await GatewayFixture.StartAsync(options => options.TokenIssuer = issuer, environment: Environments.Production);

        // The connection is to the gateway's real address (its certificate names it); only the Host header is forged.
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions =
            {
                TargetHost = gateway.Address.Host,
                RemoteCertificateValidationCallback = (_, c, chain, errors) =>
                    gateway.Federation.Trust.ValidateServerCertificate(c, chain, errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch),
            },
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway.Address, FederationScopes.TokenEndpointPath))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = GatewayFixture.AnalystId,
                ["client_secret"] = GatewayFixture.AnalystSecret,
                ["scope"] = FederationScopes.Query,
            }),
        };
        request.Headers.Host = "attacker.example";

        using var response = await http.SendAsync(request);

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(body.RootElement.GetProperty("access_token").GetString());
        Assert.Equal(issuer, token.Issuer);
        Assert.Equal("T0", (await gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1" })).TableId);
    }

    internal static HttpClient TokenHttpClient(GatewayFixture gateway) => new(new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, c, chain, errors) => gateway.Federation.Trust.ValidateServerCertificate(c, chain, errors) },
    });

    internal static Task<HttpResponseMessage> RequestTokenAsync(HttpClient http, GatewayFixture gateway, string assertion) =>
        http.PostAsync(new Uri(gateway.Address, FederationScopes.TokenEndpointPath), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_assertion_type"] = ClientAssertion.AssertionType,
            ["client_assertion"] = assertion,
            ["scope"] = FederationScopes.Submit,
        }));

    private static async Task AssertNothingStoredAsync(GatewayFixture gateway)
    {
        var store = gateway.App.Services.GetRequiredService<Federation.Gateway.Storage.ILogStore>();
        Assert.Equal(0, await store.GetTreeSizeAsync(CancellationToken.None));
    }

    private sealed class SteppedClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
