using Federation.Node;

namespace Federation.EndToEnd.Tests;

/// <summary>
/// The procedure of docs/deploying-a-node.md "Reading your province's published figures", with the real `fed`: the
/// administrator registers a province client, the province reads its own figures and is refused the national ones.
/// </summary>
public sealed class ProvinceClientCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_province_client_registered_with_fed_admin_reads_its_own_figures_and_is_refused_national_ones()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        await new NodeRunner(NodeConfiguration.Load(fixture.Layout.NodeConfiguration("NS")), TimeProvider.System).RunAsync(CancellationToken.None);
        var credentials = Path.Combine(fixture.Layout.Root, "province-ns.json");
        var data = fixture.Layout.Root;

        var missing = await ExternalProcess.RunFedAsync(Timeout, "admin", "register-client", "province-x", "--role", "province", "--out", credentials, "--data", data);
        var registered = await ExternalProcess.RunFedAsync(
            Timeout, "admin", "register-client", "province-ns", "--role", "province", "--jurisdiction", "NS", "--out", credentials, "--data", data);
        var clients = await ExternalProcess.RunFedAsync(Timeout, "admin", "clients", "--data", data);
        var own = await ExternalProcess.RunFedAsync(
            Timeout, "query", "--data", data, "--credentials", credentials, "--jurisdiction", "NS", "--by-jurisdiction", "--format", "csv");
        var national = await ExternalProcess.RunFedAsync(Timeout, "query", "--data", data, "--credentials", credentials);
        var ownServices = await ExternalProcess.RunFedAsync(Timeout, "services", "find", "--data", data, "--credentials", credentials, "--jurisdiction", "NS");
        var allServices = await ExternalProcess.RunFedAsync(Timeout, "services", "find", "--data", data, "--credentials", credentials);

        Assert.True(missing.ExitCode == 2, missing.Error);
        Assert.Contains("--role province needs --jurisdiction", missing.Error, StringComparison.Ordinal);
        Assert.True(registered.ExitCode == 0, registered.Error);
        Assert.Contains("Registered province 'province-ns' (reads NS only)", registered.Output, StringComparison.Ordinal);
        Assert.Matches(@"province-ns\s+province\s+NS\s+active", clients.Output);
        Assert.True(own.ExitCode == 0, own.Error);
        var lines = own.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var jurisdictionColumn = Array.IndexOf(lines[0].Split(','), "jurisdiction");
        var rows = lines.Skip(1).ToArray();
        Assert.NotEmpty(rows);
        Assert.All(rows, row => Assert.Equal("NS", row.Split(',')[jurisdictionColumn]));
        Assert.Equal(1, national.ExitCode);
        Assert.Contains("PermissionDenied", national.Error, StringComparison.Ordinal);
        Assert.Contains("jurisdictions: A province client of NS reads only NS's figures", national.Error, StringComparison.Ordinal);
        Assert.True(ownServices.ExitCode == 0, ownServices.Error);
        Assert.Equal(1, allServices.ExitCode);
        Assert.Contains("PermissionDenied", allServices.Error, StringComparison.Ordinal);
    }
}
