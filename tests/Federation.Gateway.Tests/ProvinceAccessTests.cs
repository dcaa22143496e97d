using Federation.Contracts.V1;
using Federation.Sdk.Client;
using Federation.Sdk.Identity;
using Grpc.Core;
using Grpc.Net.Client;

namespace Federation.Gateway.Tests;

/// <summary>
/// One gateway with Nova Scotia's and Ontario's statistics and directories, and a province client bound to NS
/// (registered through the admin API, as <c>fed admin register-client province-ns --role province --jurisdiction NS</c> does).
/// </summary>
public sealed class ProvinceAccessFixture : IAsyncLifetime
{
    public const string ClientId = "province-ns";

    internal static readonly int LastYear = DateTime.UtcNow.Year - 1;

    internal GatewayFixture Gateway { get; private set; } = null!;

    internal GatewayTokenProvider Tokens { get; private set; } = null!;

    /// <summary>Calls carrying the NS province client's tokens.</summary>
    internal GrpcChannel Channel { get; private set; } = null!;

    internal Receipt NovaScotia { get; private set; } = null!;

    internal Receipt Ontario { get; private set; } = null!;

    internal RegisterClientResponse Registration { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Gateway = await GatewayFixture.StartAsync();
        NovaScotia = await Gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("NS", LastYear, total: 40), Gateway.Federation.Node("NS")));
        Ontario = await Gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("ON", LastYear, total: 90), Gateway.Federation.Node("ON")));
        var now = DateTimeOffset.UtcNow;
        var novaScotia = TestDirectories.Ontario(now);
        foreach (var location in novaScotia.Locations.Where(l => l.Physical is not null))
        {
            location.Physical.Province = "NS";
        }

        await Gateway.PublishAsync(TestDirectories.Release("NS", novaScotia));
        await Gateway.PublishAsync(TestDirectories.Release("ON", TestDirectories.Ontario(now)));
        Registration = await Admin().RegisterClientAsync(
            new RegisterClientRequest { ClientId = ClientId, Role = ClientRole.Province, Jurisdiction = "NS" }, deadline: Deadline);
        Tokens = Gateway.TokensFor(GatewayCredentials.ForSecret(ClientId, Registration.ClientSecret, FederationScopes.Province));
        Channel = Gateway.ChannelFor(Tokens);
    }

    internal static DateTime Deadline => DateTime.UtcNow.AddSeconds(30);

    internal AdminService.AdminServiceClient Admin() =>
        new(Gateway.ChannelFor(Gateway.TokensFor(GatewayFixture.AdminCredentials)));

    public async Task DisposeAsync()
    {
        Channel.Dispose();
        Tokens.Dispose();
        await Gateway.DisposeAsync();
    }
}

/// <summary>
/// A province client reads its own jurisdiction's figures, coverage, directory and log entries, and nothing of another
/// jurisdiction or national; its token's jurisdiction must be the one registered; analysts are unchanged.
/// </summary>
public sealed class ProvinceAccessTests(ProvinceAccessFixture fixture) : IClassFixture<ProvinceAccessFixture>
{
    private const string Dataset = "trafficking.victims.v1";

    private QueryService.QueryServiceClient Queries => new(fixture.Channel);

    private DirectoryService.DirectoryServiceClient Directory => new(fixture.Channel);

    private TransparencyLogService.TransparencyLogServiceClient Log => new(fixture.Channel);

    [Fact]
    public async Task A_province_client_reads_its_own_figures_as_an_analyst_reads_them()
    {
        var request = new QueryRequest { DatasetId = Dataset, Jurisdictions = { "NS" }, ByJurisdiction = true, GroupBy = { "gender" } };

        var own = await Queries.QueryAsync(request, deadline: ProvinceAccessFixture.Deadline);
        var analysts = await fixture.Gateway.QueryAsync(request);

        Assert.NotEmpty(own.Rows);
        Assert.All(own.Rows, row => Assert.Equal("NS", row.Jurisdiction));
        Assert.Equal(analysts.Rows, own.Rows);
    }

    [Fact]
    public async Task A_province_client_reads_its_own_published_totals()
    {
        var answer = await Queries.QueryAsync(
            new QueryRequest { DatasetId = Dataset, Jurisdictions = { "NS" }, ByJurisdiction = true, Publication = true }, deadline: ProvinceAccessFixture.Deadline);

        var row = Assert.Single(answer.Rows);
        Assert.Equal("NS", row.Jurisdiction);
        Assert.Equal(ProvinceAccessFixture.LastYear, row.ReferenceYear);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ON")]
    [InlineData("NS,ON")]
    [InlineData("ns")]
    public async Task A_province_client_is_refused_national_figures_and_other_jurisdictions(string jurisdictions)
    {
        var codes = jurisdictions.Split(',', StringSplitOptions.RemoveEmptyEntries);

        var refusal = await RefusalAssert.RefusedAsync(StatusCode.PermissionDenied, "jurisdictions", () =>
            Queries.QueryAsync(new QueryRequest { DatasetId = Dataset, Jurisdictions = { codes } }, deadline: ProvinceAccessFixture.Deadline).ResponseAsync);

        Assert.Contains("province client of NS", refusal.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_province_client_reads_the_catalogue()
    {
        var described = await new CatalogService.CatalogServiceClient(fixture.Channel).DescribeDatasetAsync(
            new DescribeDatasetRequest { DatasetId = Dataset }, deadline: ProvinceAccessFixture.Deadline);

        Assert.Equal(Dataset, described.Dataset.Id);
    }

    [Fact]
    public async Task A_province_client_finds_its_own_services_without_exact_capacity()
    {
        var found = await Directory.FindServicesAsync(new FindServicesRequest { Jurisdictions = { "NS" } }, deadline: ProvinceAccessFixture.Deadline);
        var summary = await Directory.CapacitySummaryAsync(new CapacitySummaryRequest { Jurisdictions = { "NS" } }, deadline: ProvinceAccessFixture.Deadline);

        Assert.NotEmpty(found.Matches);
        Assert.All(found.Matches, m => Assert.Equal("NS", m.Jurisdiction));
        Assert.False(found.Disclosure.Exact);
        Assert.False(summary.Disclosure.Exact);
        Assert.All(summary.Rows, r => Assert.True(r.Jurisdiction is "NS" or ""));
    }

    [Fact]
    public async Task A_province_client_reads_its_own_safe_housing_coverage()
    {
        var coverage = await Directory.SafeHousingCoverageAsync(
            new SafeHousingCoverageRequest { Jurisdictions = { "NS" }, Years = { ProvinceAccessFixture.LastYear } }, deadline: ProvinceAccessFixture.Deadline);

        Assert.Contains(coverage.Rows, r => r.Jurisdiction == "NS");
    }

    public static TheoryData<string> DirectoryReads => ["FindServices", "CapacitySummary", "SafeHousingCoverage"];

    [Theory]
    [MemberData(nameof(DirectoryReads))]
    public async Task A_province_client_is_refused_another_jurisdictions_or_the_national_directory(string method)
    {
        foreach (var codes in new[] { Array.Empty<string>(), ["ON"] })
        {
            await RefusalAssert.RefusedAsync(StatusCode.PermissionDenied, "jurisdictions", () => method switch
            {
                "FindServices" => Directory.FindServicesAsync(new FindServicesRequest { Jurisdictions = { codes } }, deadline: ProvinceAccessFixture.Deadline).ResponseAsync,
                "CapacitySummary" => Directory.CapacitySummaryAsync(new CapacitySummaryRequest { Jurisdictions = { codes } }, deadline: ProvinceAccessFixture.Deadline).ResponseAsync,
                _ => Directory.SafeHousingCoverageAsync(new SafeHousingCoverageRequest { Jurisdictions = { codes } }, deadline: ProvinceAccessFixture.Deadline).ResponseAsync,
            });
        }
    }

    [Fact]
    public async Task A_province_client_may_not_watch_capacity_submit_or_administer()
    {
        var watch = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = Directory.WatchCapacity(new WatchCapacityRequest { Jurisdictions = { "NS" } }, deadline: ProvinceAccessFixture.Deadline);
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });
        var submit = await Assert.ThrowsAsync<RpcException>(async () => await new SubmissionService.SubmissionServiceClient(fixture.Channel).SubmitAsync(
            new SubmitRequest { Envelope = TestSubmissions.Sign(TestSubmissions.Complete("NS", ProvinceAccessFixture.LastYear), fixture.Gateway.Federation.Node("NS")) },
            deadline: ProvinceAccessFixture.Deadline));
        var admin = await Assert.ThrowsAsync<RpcException>(async () =>
            await new AdminService.AdminServiceClient(fixture.Channel).ListClientsAsync(new ListClientsRequest(), deadline: ProvinceAccessFixture.Deadline));

        Assert.Equal(StatusCode.PermissionDenied, watch.StatusCode);
        Assert.Contains(FederationScopes.Referral, watch.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.PermissionDenied, submit.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, admin.StatusCode);
    }

    [Fact]
    public async Task A_province_client_reads_its_own_log_entries_and_proofs()
    {
        var leaf = fixture.NovaScotia.LeafIndex;

        var entries = await Log.GetEntriesAsync(new GetEntriesRequest { Start = leaf, End = leaf + 1 }, deadline: ProvinceAccessFixture.Deadline);
        var proof = await Log.GetInclusionProofAsync(new GetInclusionProofRequest { LeafIndex = leaf }, deadline: ProvinceAccessFixture.Deadline);
        var checkpoint = await Log.GetCheckpointAsync(new GetCheckpointRequest(), deadline: ProvinceAccessFixture.Deadline);

        Assert.Equal(leaf, Assert.Single(entries.Entries).LeafIndex);
        Assert.Equal(fixture.NovaScotia.LeafHash, proof.LeafHash);
        Assert.NotEmpty(checkpoint.Checkpoint);
    }

    [Fact]
    public async Task A_province_client_is_refused_log_entries_of_another_jurisdiction()
    {
        var other = fixture.Ontario.LeafIndex;
        var first = Math.Min(fixture.NovaScotia.LeafIndex, other);

        var alone = await RefusalAssert.RefusedAsync(StatusCode.PermissionDenied, "start", () =>
            Log.GetEntriesAsync(new GetEntriesRequest { Start = other, End = other + 1 }, deadline: ProvinceAccessFixture.Deadline).ResponseAsync);
        await RefusalAssert.RefusedAsync(StatusCode.PermissionDenied, "start", () =>
            Log.GetEntriesAsync(new GetEntriesRequest { Start = first, End = first + 10 }, deadline: ProvinceAccessFixture.Deadline).ResponseAsync);

        Assert.Contains($"Log entry {other} is a release of ON", alone.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_reissued_unchanged_is_accepted()
    {
        // The control for the two refusals below: re-signing is not what they refuse.
        var token = AccessTokens.ReissueAsGateway(fixture.Gateway, await fixture.Tokens.GetAccessTokenAsync());

        var answer = await QueryWithTokenAsync(token, "NS");

        Assert.All(answer.Rows, r => Assert.Equal(["NS"], r.ContributingJurisdictions));
    }

    [Fact]
    public async Task A_token_naming_another_jurisdiction_is_refused()
    {
        var token = AccessTokens.ReissueAsGateway(fixture.Gateway, await fixture.Tokens.GetAccessTokenAsync(), claims => claims[FederationScopes.JurisdictionClaim] = "ON");

        var refusal = await Assert.ThrowsAsync<RpcException>(() => QueryWithTokenAsync(token, "ON"));

        Assert.Equal(StatusCode.PermissionDenied, refusal.StatusCode);
        Assert.Contains("names jurisdiction 'ON'", refusal.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_without_its_jurisdiction_is_refused()
    {
        var token = AccessTokens.ReissueAsGateway(fixture.Gateway, await fixture.Tokens.GetAccessTokenAsync(), claims => claims.Remove(FederationScopes.JurisdictionClaim));

        var refusal = await Assert.ThrowsAsync<RpcException>(() => QueryWithTokenAsync(token, "NS"));

        Assert.Equal(StatusCode.PermissionDenied, refusal.StatusCode);
        Assert.Contains("names jurisdiction none", refusal.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_analyst_token_given_a_jurisdiction_is_refused()
    {
        var token = AccessTokens.ReissueAsGateway(fixture.Gateway, await fixture.Gateway.Analyst.GetAccessTokenAsync(), claims => claims[FederationScopes.JurisdictionClaim] = "NS");

        var refusal = await Assert.ThrowsAsync<RpcException>(() => QueryWithTokenAsync(token, "NS"));

        Assert.Equal(StatusCode.PermissionDenied, refusal.StatusCode);
    }

    [Fact]
    public async Task Analysts_still_read_national_figures_and_every_log_entry()
    {
        var national = await fixture.Gateway.QueryAsync(new QueryRequest { DatasetId = Dataset });
        var entries = await new TransparencyLogService.TransparencyLogServiceClient(fixture.Gateway.Channel).GetEntriesAsync(
            new GetEntriesRequest { Start = 0, End = 10 }, deadline: ProvinceAccessFixture.Deadline);

        var row = Assert.Single(national.Rows);
        Assert.Equal(["NS", "ON"], row.ContributingJurisdictions.Order());
        Assert.Contains(entries.Entries, e => e.LeafIndex == fixture.Ontario.LeafIndex);
    }

    [Fact]
    public async Task The_client_list_shows_the_province_client_and_its_jurisdiction()
    {
        var clients = await fixture.Admin().ListClientsAsync(new ListClientsRequest(), deadline: ProvinceAccessFixture.Deadline);

        var province = Assert.Single(clients.Clients, c => c.ClientId == ProvinceAccessFixture.ClientId);
        Assert.Equal(ClientRole.Province, province.Role);
        Assert.Equal("NS", province.Jurisdiction);
        Assert.Equal("NS", fixture.Registration.Client.Jurisdiction);
    }

    [Theory]
    [InlineData("province-no-code", ClientRole.Province, "")]
    [InlineData("province-bad-code", ClientRole.Province, "ZZ")]
    [InlineData("analyst-with-code", ClientRole.Analyst, "NS")]
    [InlineData("referral-with-code", ClientRole.Referral, "ON")]
    public async Task Registration_is_refused_without_exactly_the_jurisdiction_the_role_needs(string clientId, ClientRole role, string jurisdiction)
    {
        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "jurisdiction", () => fixture.Admin().RegisterClientAsync(
            new RegisterClientRequest { ClientId = clientId, Role = role, Jurisdiction = jurisdiction }, deadline: ProvinceAccessFixture.Deadline).ResponseAsync);

        var clients = await fixture.Admin().ListClientsAsync(new ListClientsRequest(), deadline: ProvinceAccessFixture.Deadline);
        Assert.DoesNotContain(clients.Clients, c => c.ClientId == clientId);
    }

    private async Task<QueryResponse> QueryWithTokenAsync(string token, string jurisdiction) =>
        await new QueryService.QueryServiceClient(fixture.Gateway.AnonymousChannel).QueryAsync(
            new QueryRequest { DatasetId = Dataset, Jurisdictions = { jurisdiction }, ByJurisdiction = true },
            headers: new Metadata { { "Authorization", "Bearer " + token } },
            deadline: ProvinceAccessFixture.Deadline);
}
