using Federation.Node;
using Federation.Sdk.Trust;

namespace Federation.EndToEnd.Tests;

/// <summary>The node lifecycle with the `fed` commands an administrator and a provincial IT team run.</summary>
public sealed class NodeLifecycleCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Enrol_issue_register_rotate_and_revoke_with_fed_then_read_the_audit_log()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var layout = fixture.Layout;
        var node = layout.NodeDirectory("PE");
        var key = Path.Combine(node, "node-2.key");
        var request = Path.Combine(node, "node-2.csr");
        var certificate = Path.Combine(node, "node-2.pem");
        using var oldCertificate = CertificateFiles.LoadCertificate(Path.Combine(node, "node.pem"));

        await FedAsync("node", "enrol", "--jurisdiction", "PE", "--node-id", "node-pe", "--key", key, "--request", request);
        await FedAsync("admin", "issue-certificate", "--request", request, "--jurisdiction", "PE",
            "--ca-certificate", layout.RootCertificate, "--ca-key", layout.RootPrivateKey, "--out", certificate);
        var registered = await FedAsync("admin", "register-node", "--data", layout.Root, "--certificate", certificate);
        Assert.Contains("2 valid certificates", registered, StringComparison.Ordinal);

        // The node switches to its new key, then the old certificate is revoked.
        var configuration = NodeConfiguration.Load(layout.NodeConfiguration("PE"));
        configuration.Signing.Certificate = "node-2.pem";
        configuration.Signing.PrivateKey = "node-2.key";
        configuration.Save(layout.NodeConfiguration("PE"));
        var run = await new NodeRunner(NodeConfiguration.Load(layout.NodeConfiguration("PE")), TimeProvider.System).RunAsync(CancellationToken.None);
        Assert.NotEmpty(run.Published);
        var revoked = await FedAsync("admin", "revoke-certificate", "--data", layout.Root, Path.Combine(node, "node.pem"), "--reason", "rotated");
        Assert.Contains("Revoked certificate", revoked, StringComparison.Ordinal);

        var clients = await FedAsync("admin", "clients", "--data", layout.Root);
        Assert.Contains("node-pe", clients, StringComparison.Ordinal);
        Assert.Contains("revoked", clients, StringComparison.Ordinal);
        await FedAsync("query", "--data", layout.Root);
        var audit = await FedAsync("admin", "audit", "--data", layout.Root, "--format", "json");
        Assert.Contains("/federation.v1.QueryService/Query", audit, StringComparison.Ordinal);
        Assert.Contains("demo-analyst", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fed_query_without_credentials_says_what_is_missing()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        File.Delete(fixture.Layout.AnalystCredentials);

        var (exitCode, _, error) = await ExternalProcess.RunFedAsync(Timeout, "query", "--data", fixture.Layout.Root);

        Assert.Equal(2, exitCode);
        Assert.Contains("--credentials", error, StringComparison.Ordinal);
    }

    private static async Task<string> FedAsync(params string[] arguments)
    {
        var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, arguments);
        Assert.True(exitCode == 0, $"fed {string.Join(' ', arguments)} exited {exitCode}: {error}\n{output}");
        return output;
    }
}
