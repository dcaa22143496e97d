using Federation.Node;
using Federation.Node.Hosting;
using Federation.Sdk.Privacy;
using Federation.Sdk.Publishing;
using Federation.Sdk.Trust;

namespace Federation.EndToEnd.Tests;

/// <summary>
/// A new node added to a running federation with the commands of docs/deploying-a-node.md, and a node whose identity
/// does not hold refused before it reads, signs or charges anything.
/// </summary>
public sealed class NodeSetupCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_node_made_with_node_bundle_and_init_validates_previews_and_delivers_its_first_run()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var layout = fixture.Layout;
        var work = Directory.CreateDirectory(Path.Combine(layout.Root, "new-node")).FullName;
        var config = Path.Combine(work, "etc");
        var state = Path.Combine(work, "state");
        var cases = Path.Combine(work, "exports", "cases.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(cases)!);
        File.Copy(Path.Combine(layout.NodeDirectory("NS"), "cases.csv"), cases);

        // The demo already has a node for NS: it is retired, and the new one gets its own id.
        await FedAsync("admin", "revoke-client", "node-ns", "--data", layout.Root, "--reason", "replaced by node-ns-2");
        var bundle = Path.Combine(work, "node-ns-2.bundle.json");
        var handOver = await FedAsync("admin", "node-bundle", "--data", layout.Root, "--jurisdiction", "NS", "--node-id", "node-ns-2", "--out", bundle);
        var init = await FedAsync("node", "init", "--bundle", bundle, "--dir", config, "--state", state, "--cases", cases);
        using (var root = CertificateFiles.LoadCertificate(layout.RootCertificate))
        {
            // Both sides print the root's fingerprint, for the comparison out of band.
            Assert.Contains(Federation.Node.Setup.NodeBundle.Fingerprint(root), handOver, StringComparison.Ordinal);
            Assert.Contains(Federation.Node.Setup.NodeBundle.Fingerprint(root), init, StringComparison.Ordinal);
        }

        var certificate = Path.Combine(work, "node-ns-2.pem");
        await FedAsync("admin", "issue-certificate", "--request", Path.Combine(config, "node.csr"), "--jurisdiction", "NS",
            "--ca-certificate", layout.RootCertificate, "--ca-key", layout.RootPrivateKey, "--out", certificate);
        await FedAsync("admin", "register-node", "--data", layout.Root, "--certificate", certificate);
        File.Copy(certificate, Path.Combine(config, "node.pem"));
        var nodeJson = Path.Combine(config, "node.json");

        var (validateExit, validated, validateError) = await ExternalProcess.RunFedAsync(Timeout, "node", "validate", "--config", nodeJson);
        Assert.True(validateExit is 0 or 3, $"fed node validate exited {validateExit}: {validateError}\n{validated}");
        Assert.Contains("accepts the node's key", validated, StringComparison.Ordinal);
        await FedAsync("node", "preview", "--config", nodeJson);
        var run = await FedAsync("node", "run", "--config", nodeJson, "--once");

        var configuration = NodeConfiguration.Load(nodeJson);
        Assert.Equal(state, NodeStateLayout.Of(configuration).Root);
        var outbox = await Outbox.OpenAsync(state, TimeProvider.System);
        var entries = await outbox.ListAsync();
        Assert.NotEmpty(entries);
        Assert.All(entries, e => Assert.Equal(OutboxEntryState.Delivered, e.State));
        Assert.Equal(entries.Count(e => e.Kind == OutboxEntryKind.Statistics), new ReleaseArchive(state).LoadReceipts().Count);
        Assert.Contains("node-ns-2", await FedAsync("admin", "clients", "--data", layout.Root), StringComparison.Ordinal);
        Assert.Contains("Run 1 finished", run, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_node_is_told_so_by_validate_and_its_run_signs_and_charges_nothing()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var nodeJson = fixture.Layout.NodeConfiguration("NS");
        // The thumbprint as `fed admin clients` shows it is what `revoke-certificate` takes.
        var clients = await FedAsync("admin", "clients", "--data", fixture.Layout.Root);
        var shown = clients.Split('\n').Single(l => l.StartsWith("node-ns ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[4];
        using (var certificate = CertificateFiles.LoadCertificate(Path.Combine(fixture.Layout.NodeDirectory("NS"), "node.pem")))
        {
            Assert.Equal(Federation.Sdk.Identity.GatewayCredentials.KeyIdOf(certificate), shown);
        }

        await FedAsync("admin", "revoke-certificate", "--data", fixture.Layout.Root, shown, "--reason", "key exposed");

        var (validateExit, validated, validateError) = await ExternalProcess.RunFedAsync(Timeout, "node", "validate", "--config", nodeJson);
        var (runExit, ran, runError) = await ExternalProcess.RunFedAsync(Timeout, "node", "run", "--config", nodeJson, "--once");

        Assert.True(validateExit == 2, $"fed node validate exited {validateExit}: {validateError}\n{validated}");
        Assert.Contains("The token server refused client 'node-ns'", validateError, StringComparison.Ordinal);
        Assert.Contains("was revoked", validateError, StringComparison.Ordinal);
        Assert.Contains("fed node enrol", validateError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", validateError, StringComparison.Ordinal);
        Assert.True(runExit == NodeExitCodes.IdentityRefused, $"fed node run exited {runExit}: {runError}\n{ran}");
        Assert.Contains("was revoked", runError + ran, StringComparison.Ordinal);
        Assert.Contains("no privacy budget is spent", runError + ran, StringComparison.Ordinal);
        await AssertNothingSignedOrChargedAsync(NodeConfiguration.Load(nodeJson));
    }

    [Theory]
    [InlineData("jurisdiction", "is bound to jurisdiction NS, but jurisdiction is NB")]
    [InlineData("expired", "expired on")]
    [InlineData("other-authority", "does not chain to the federation root")]
    [InlineData("other-key", "is not the private key of the certificate")]
    public async Task A_run_whose_identity_does_not_hold_is_refused_before_anything_is_signed_or_charged(string mismatch, string expected)
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var layout = fixture.Layout;
        var configuration = NodeConfiguration.Load(layout.NodeConfiguration("NS"));
        var node = layout.NodeDirectory("NS");
        switch (mismatch)
        {
            case "jurisdiction":
                configuration.Jurisdiction = "NB";
                break;
            case "expired":
                var longAgo = new FixedTime(DateTimeOffset.UtcNow.AddDays(-400));
                using (var authority = FederationCertificateAuthority.Load(layout.RootCertificate, layout.RootPrivateKey, longAgo))
                using (var expired = authority.IssueNodeCertificate("NS", "node-ns", TimeSpan.FromDays(30)))
                {
                    UseIdentity(configuration, expired, node, "expired");
                }

                break;
            case "other-authority":
                using (var other = FederationCertificateAuthority.Create("Another Root"))
                using (var foreign = other.IssueNodeCertificate("NS", "node-ns"))
                {
                    UseIdentity(configuration, foreign, node, "foreign");
                }

                break;
            default:
                configuration.Signing.PrivateKey = Path.Combine(layout.NodeDirectory("NB"), "node.key");
                break;
        }

        var error = await Assert.ThrowsAsync<NodeConfigurationException>(() => new NodeRunner(configuration, TimeProvider.System).RunAsync(CancellationToken.None));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was read, signed or charged to the privacy budget", error.Message, StringComparison.Ordinal);
        await AssertNothingSignedOrChargedAsync(configuration);
    }

    [Fact]
    public async Task Preview_with_an_empty_protection_key_exits_2_naming_the_file_and_the_size_expected()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var key = Path.Combine(fixture.Layout.NodeDirectory("NS"), "rounding.key");
        await File.WriteAllBytesAsync(key, []);

        var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "node", "preview", "--config", fixture.Layout.NodeConfiguration("NS"));

        Assert.True(exitCode == 2, $"fed node preview exited {exitCode}: {error}\n{output}");
        Assert.Contains($"protection.keyFile: file '{key}' is 0 bytes; a protection key is 32 random bytes", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    private static void UseIdentity(NodeConfiguration configuration, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, string folder, string name)
    {
        CertificateFiles.SavePem(certificate, Path.Combine(folder, $"{name}.pem"), Path.Combine(folder, $"{name}.key"));
        configuration.Signing.Certificate = $"{name}.pem";
        configuration.Signing.PrivateKey = $"{name}.key";
    }

    /// <summary>The node's privacy ledger has no entry and its outbox no envelope.</summary>
    private static async Task AssertNothingSignedOrChargedAsync(NodeConfiguration configuration)
    {
        Assert.Empty(PrivacyLedger.Read(NodeStateLayout.Of(configuration).Privacy));
        var outbox = await Outbox.OpenExistingAsync(NodeStateLayout.Of(configuration).Root, TimeProvider.System);
        Assert.Empty(outbox is null ? [] : await outbox.ListAsync());
    }

    private static async Task<string> FedAsync(params string[] arguments)
    {
        var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, arguments);
        Assert.True(exitCode == 0, $"fed {string.Join(' ', arguments)} exited {exitCode}: {error}\n{output}");
        return output;
    }

    /// <summary>A clock stopped at one instant, to issue a certificate that has already expired.</summary>
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
