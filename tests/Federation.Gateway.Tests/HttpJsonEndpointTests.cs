using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Federation.Contracts.V1;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Gateway.Tests;

/// <summary>
/// The HTTP/JSON endpoint (JSON transcoding of Query, ListDatasets and DescribeDataset) for clients without gRPC, such as
/// R: real HTTP over TLS to the gateway, with the same token, scope, limits and audit as gRPC, and the same figures.
/// </summary>
public sealed class HttpJsonEndpointTests : IAsyncLifetime
{
    private const string DatasetId = "trafficking.victims.v1";
    private static readonly int Year = DateTime.UtcNow.Year - 1;
    private GatewayFixture _gateway = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayFixture.StartAsync();
        _http = SecurityTests.TokenHttpClient(_gateway);
        foreach (var (jurisdiction, total) in new[] { ("ON", 300L), ("NS", 35L) })
        {
            await _gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete(jurisdiction, Year, total), _gateway.Federation.Node(jurisdiction)));
        }
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task A_query_without_a_token_is_refused_and_audited()
    {
        using var response = await _http.PostAsync(new Uri(_gateway.Address, "/v1/query"), Json($"{{\"datasetId\":\"{DatasetId}\"}}"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var records = await _gateway.ReadAuditAsync(new Audit.AuditQuery(RefusalsOnly: true));
        Assert.Contains(records, r => r.Method == "/federation.v1.QueryService/Query" && r.Outcome == "Unauthenticated");
    }

    [Fact]
    public async Task A_query_with_the_analysts_token_answers_the_same_figures_as_grpc()
    {
        var grpc = await _gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId, GroupBy = { "gender" }, Publication = true });

        using var response = await SendAsync(HttpMethod.Post, "/v1/query", $"{{\"datasetId\":\"{DatasetId}\",\"groupBy\":[\"gender\"],\"publication\":true}}");

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(grpc, QueryResponse.Parser.ParseJson(body));
        var records = await _gateway.ReadAuditAsync(new Audit.AuditQuery(ClientId: GatewayFixture.AnalystId));
        Assert.Contains(records, r => r.Method == "/federation.v1.QueryService/Query" && r.Outcome == "OK" && r.Parameters.Contains("publication", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dataset_is_described_as_over_grpc()
    {
        var grpc = await _gateway.Catalog.DescribeDatasetAsync(new DescribeDatasetRequest { DatasetId = DatasetId });

        using var response = await SendAsync(HttpMethod.Get, $"/v1/datasets/{DatasetId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(grpc, DescribeDatasetResponse.Parser.ParseJson(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_bad_query_is_refused_with_400_and_the_bad_request_details_naming_the_field()
    {
        using var response = await SendAsync(HttpMethod.Post, "/v1/query", $"{{\"datasetId\":\"{DatasetId}\",\"groupBy\":[\"colour\"]}}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, error.RootElement.GetProperty("code").GetInt32());
        var details = error.RootElement.GetProperty("details").EnumerateArray().Single();
        Assert.Equal("type.googleapis.com/google.rpc.BadRequest", details.GetProperty("@type").GetString());
        Assert.Equal("group_by[0]", details.GetProperty("fieldViolations")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_token_without_the_query_scope_is_refused()
    {
        var nodeTokens = await _gateway.NodeTokensAsync("ON");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_gateway.Address, "/v1/query")) { Content = Json($"{{\"datasetId\":\"{DatasetId}\"}}") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await nodeTokens.GetAccessTokenAsync());

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_message_limit_and_a_field_over_the_request_limits_are_refused_as_over_grpc()
    {
        var limit = _gateway.App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Hosting.GatewayOptions>>().Value.MaxReceiveMessageBytes;

        using var oversized = await SendAsync(HttpMethod.Post, "/v1/query", $"{{\"datasetId\":\"{new string('x', limit + 1)}\"}}");
        using var overlong = await SendAsync(HttpMethod.Post, "/v1/query", $"{{\"datasetId\":\"{DatasetId}\",\"years\":[{string.Join(',', Enumerable.Repeat(Year, 1_000))}]}}");

        var oversizedBody = await oversized.Content.ReadAsStringAsync();
        Assert.True(oversized.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{oversized.StatusCode}: {oversizedBody}");
        using (var status = JsonDocument.Parse(oversizedBody))
        {
            Assert.Equal(8, status.RootElement.GetProperty("code").GetInt32());
            Assert.Contains($"at most {limit} are accepted (Gateway:MaxReceiveMessageBytes)", status.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.BadRequest, overlong.StatusCode);
        using var error = JsonDocument.Parse(await overlong.Content.ReadAsStringAsync());
        var details = error.RootElement.GetProperty("details").EnumerateArray().Single();
        Assert.Equal("years", details.GetProperty("fieldViolations")[0].GetProperty("field").GetString());
        var refusals = await _gateway.ReadAuditAsync(new Audit.AuditQuery(RefusalsOnly: true));
        Assert.Contains(refusals, r => r.Method == "/federation.v1.QueryService/Query" && r.Outcome == "InvalidArgument");
        Assert.Contains(refusals, r => r.Method == "/federation.v1.QueryService/Query" && r.Outcome == "ResourceExhausted");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(_gateway.Address, path)) { Content = body is null ? null : Json(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _gateway.Analyst.GetAccessTokenAsync());
        return await _http.SendAsync(request);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
