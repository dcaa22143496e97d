using System.Text.Json;

namespace Federation.EndToEnd.Tests;

/// <summary>An independent gRPC client (buf curl, from the npm package @bufbuild/buf) drives the gateway through reflection.</summary>
public sealed class BufCurlTests(OntarioReportedFixture demo) : IClassFixture<OntarioReportedFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Buf_curl_lists_the_federation_services_through_reflection()
    {
        var fixture = demo.Federation;

        var (exitCode, output, error) = await BufAsync("--list-services", fixture);

        Assert.True(exitCode == 0, error);
        Assert.Contains("federation.v1.CatalogService", output, StringComparison.Ordinal);
        Assert.Contains("federation.v1.SubmissionService", output, StringComparison.Ordinal);
        Assert.Contains("federation.v1.QueryService", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Buf_curl_queries_national_figures_through_reflection()
    {
        var fixture = demo.Federation;

        var (exitCode, output, error) = await ExternalProcess.RunAsync(
            Buf(),
            ["curl", "--protocol", "grpc", "--cacert", fixture.Layout.RootCertificate,
             "-H", "Authorization: Bearer " + await fixture.Analyst.GetAccessTokenAsync(),
             "-d", """{"datasetId":"trafficking.victims.v1","groupBy":["age_group"],"years":[2024]}""",
             $"{fixture.Address.ToString().TrimEnd('/')}/federation.v1.QueryService/Query"],
            Timeout);

        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("T1", json.RootElement.GetProperty("tableId").GetString());
        Assert.Equal(5, json.RootElement.GetProperty("rows").GetArrayLength());
    }

    [Fact]
    public async Task Buf_curl_sees_a_precise_refusal()
    {
        var fixture = demo.Federation;

        var (exitCode, _, error) = await ExternalProcess.RunAsync(
            Buf(),
            ["curl", "--protocol", "grpc", "--cacert", fixture.Layout.RootCertificate,
             "-H", "Authorization: Bearer " + await fixture.Analyst.GetAccessTokenAsync(),
             "-d", """{"datasetId":"trafficking.victims.v1","groupBy":["colour"]}""",
             $"{fixture.Address.ToString().TrimEnd('/')}/federation.v1.QueryService/Query"],
            Timeout);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("invalid_argument", error, StringComparison.Ordinal);
        Assert.Contains("google.rpc.BadRequest", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_running_gateway_refuses_an_anonymous_query_and_answers_an_anonymous_health_check()
    {
        var fixture = demo.Federation;
        var address = fixture.Address.ToString().TrimEnd('/');

        var query = await ExternalProcess.RunAsync(
            Buf(),
            ["curl", "--protocol", "grpc", "--cacert", fixture.Layout.RootCertificate, "-d", """{"datasetId":"trafficking.victims.v1"}""",
             $"{address}/federation.v1.QueryService/Query"],
            Timeout);
        var health = await ExternalProcess.RunAsync(
            Buf(), ["curl", "--protocol", "grpc", "--cacert", fixture.Layout.RootCertificate, $"{address}/grpc.health.v1.Health/Check"], Timeout);

        Assert.NotEqual(0, query.ExitCode);
        Assert.Contains("unauthenticated", query.Error, StringComparison.Ordinal);
        Assert.True(health.ExitCode == 0, health.Error);
        Assert.Contains("SERVING", health.Output, StringComparison.Ordinal);
    }

    private static Task<(int ExitCode, string Output, string Error)> BufAsync(string flag, DemoFederationFixture fixture) =>
        ExternalProcess.RunAsync(
            Buf(),
            ["curl", "--protocol", "grpc", "--cacert", fixture.Layout.RootCertificate, flag, fixture.Address.ToString()],
            Timeout);

    private static string Buf()
    {
        var path = Path.Combine(ExternalProcess.RepositoryRoot(), "node_modules", ".bin", "buf");
        Assert.True(File.Exists(path), $"buf is not installed at {path}: run `npm ci` in the repository root first (the README's test command does).");
        return path;
    }
}
