using System.Text.Json;
using Federation.Node;

namespace Federation.EndToEnd.Tests;

/// <summary>An independent gRPC client (buf curl) searches the national service directory through reflection.</summary>
public sealed class DirectoryBufCurlTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Buf_curl_as_a_referral_desk_finds_services_with_room_and_sees_only_the_area_of_a_shelter()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        await new DirectoryRunner(NodeConfiguration.Load(fixture.Layout.NodeConfiguration("NS")), TimeProvider.System).RunAsync(CancellationToken.None);
        var buf = Path.Combine(ExternalProcess.RepositoryRoot(), "node_modules", ".bin", "buf");
        Assert.True(File.Exists(buf), $"buf is not installed at {buf}: run `npm ci` in the repository root first.");

        var (exitCode, output, error) = await ExternalProcess.RunAsync(
            buf,
            ["curl", "--protocol", "grpc", "--cacert", fixture.Layout.RootCertificate,
             "-H", "Authorization: Bearer " + await fixture.Referral.GetAccessTokenAsync(),
             "-d", """{"jurisdictions":["NS"],"serviceTypes":["SERVICE_TYPE_EMERGENCY_SHELTER"],"availableNow":true,"pageSize":5}""",
             $"{fixture.Address.ToString().TrimEnd('/')}/federation.v1.DirectoryService/FindServices"],
            Timeout);

        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        var matches = json.RootElement.GetProperty("matches").EnumerateArray().ToArray();
        Assert.NotEmpty(matches);
        foreach (var match in matches)
        {
            Assert.Equal("AVAILABILITY_ROOM", match.GetProperty("availability").GetString());
            foreach (var location in match.GetProperty("locations").EnumerateArray())
            {
                var redacted = location.GetProperty("redacted");
                Assert.Equal(["serviceArea"], redacted.EnumerateObject().Select(p => p.Name));
                Assert.False(location.TryGetProperty("physical", out _));
            }
        }
    }
}
