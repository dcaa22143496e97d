using Federation.Gateway.Identity;
using Federation.Node;
using Federation.Node.Hosting;
using Federation.Sdk.Identity;
using Federation.Sdk.Privacy;
using Federation.Sdk.Publishing;
using Federation.Sdk.Trust;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.EndToEnd.Tests;

/// <summary>A node that lost its state, or whose releases were refused for its identity, catches up with `fed node run`.</summary>
public sealed class NodeRecoveryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_node_whose_state_folder_was_deleted_signs_its_releases_again_and_keeps_the_gateways_first_receipts()
    {
        await using var fixture = await DemoFederationFixture.StartAsync();
        var path = fixture.Layout.NodeConfiguration("NS");
        var configuration = NodeConfiguration.Load(path);
        var state = NodeStateLayout.Of(configuration).Root;
        await RunOnceAsync(path);
        var first = new ReleaseArchive(state).LoadReceipts().OrderBy(r => r.ReferenceYear).ToArray();

        Directory.Delete(state, recursive: true);
        await RunOnceAsync(path);

        // The same submission bytes under a new signature: the gateway's first receipts, checked against the log, are kept.
        var again = new ReleaseArchive(state).LoadReceipts().OrderBy(r => r.ReferenceYear).ToArray();
        Assert.Equal(first.Select(r => (r.SubmissionId, r.LeafIndex)), again.Select(r => (r.SubmissionId, r.LeafIndex)));
        Assert.Equal(configuration.ReferenceYears.Count, await NodeOutboxTests.CountStoredAsync(fixture, "NS"));
        var outbox = await Outbox.OpenAsync(state, TimeProvider.System);
        Assert.All(await outbox.ListAsync(), e => Assert.Equal(OutboxEntryState.Delivered, e.State));

        // The statistics and the service directory each keep their own quarantine list: neither overwrites the other.
        Assert.True(File.Exists(Path.Combine(state, "quarantine.csv")));
        Assert.True(File.Exists(Path.Combine(state, "directory", "quarantine.csv")));
    }

    [Fact]
    public async Task Releases_refused_because_the_certificate_was_revoked_are_signed_again_after_a_key_rotation_and_published_without_new_budget()
    {
        var hold = new SubmitHold(call: 1, SubmitHoldPoint.BeforeStoring);
        await using var fixture = await DemoFederationFixture.StartAsync(hold);
        var layout = fixture.Layout;
        var path = layout.NodeConfiguration("NS");
        var node = layout.NodeDirectory("NS");
        var years = NodeConfiguration.Load(path).ReferenceYears;

        // The node's certificate is revoked while its first upload is in flight (at the gateway, at once: the upload's
        // deadline runs): the gateway refuses every release it signed, and the token server the directory's upload.
        using (var run = ExternalProcess.StartFed("node", "run", "--config", path, "--once"))
        {
            var first = await Task.WhenAny(hold.Held, run.Exited, Task.Delay(Timeout));
            Assert.True(first == hold.Held, "fed node run made no upload");
            using (var revoked = CertificateFiles.LoadCertificate(Path.Combine(node, "node.pem")))
            await using (var scope = fixture.Gateway.Services.CreateAsyncScope())
            {
                var registry = scope.ServiceProvider.GetRequiredService<ClientRegistry>();
                await registry.RevokeCertificateAsync(GatewayCredentials.KeyIdOf(revoked), "key exposed", CancellationToken.None);
            }

            hold.Release();
            await run.Exited;
            var (runOutput, runError) = (await run.Output, await run.Error);
            Assert.True(run.ExitCode == NodeExitCodes.IdentityRefused, $"fed node run exited {run.ExitCode}: {runError}\n{runOutput}");
            Assert.Equal(years.Count, CountOccurrences(runError, "refused by the gateway (the next run signs it again with the node's current key and sends it): PermissionDenied"));
        }

        var configuration = NodeConfiguration.Load(path);
        var charged = PrivacyLedger.Read(NodeStateLayout.Of(configuration).Privacy);
        Assert.Equal(years.Count, charged.Count);
        var preview = await FedAsync("node", "preview", "--config", path);
        Assert.Equal(years.Count, CountOccurrences(preview, "refused earlier, will be re-signed"));

        // With the revoked key the next run is refused before anything is prepared, and says what to do.
        var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "node", "run", "--config", path, "--once");
        Assert.True(exitCode == NodeExitCodes.IdentityRefused, $"fed node run exited {exitCode}: {error}\n{output}");
        Assert.Contains("was revoked at", error, StringComparison.Ordinal);
        Assert.Contains("ask the federation administrator for a new certificate", error, StringComparison.Ordinal);

        // Key rotation: a new key and certificate for the same node id, registered by the administrator.
        var key = Path.Combine(node, "node-2.key");
        var request = Path.Combine(node, "node-2.csr");
        var certificate = Path.Combine(node, "node-2.pem");
        await FedAsync("node", "enrol", "--jurisdiction", "NS", "--node-id", "node-ns", "--key", key, "--request", request);
        await FedAsync("admin", "issue-certificate", "--request", request, "--jurisdiction", "NS",
            "--ca-certificate", layout.RootCertificate, "--ca-key", layout.RootPrivateKey, "--out", certificate);
        await FedAsync("admin", "register-node", "--data", layout.Root, "--certificate", certificate);
        configuration.Signing.Certificate = "node-2.pem";
        configuration.Signing.PrivateKey = "node-2.key";
        configuration.Save(path);

        var published = await RunOnceAsync(path);

        Assert.Contains($"Statistics: 0 release(s) signed and sent, {years.Count} refused earlier and signed again", published, StringComparison.Ordinal);
        Assert.Equal(years.Count, await NodeOutboxTests.CountStoredAsync(fixture, "NS"));
        Assert.Equal(charged.Select(e => e.SubmissionId), PrivacyLedger.Read(NodeStateLayout.Of(configuration).Privacy).Select(e => e.SubmissionId));
        var outbox = await Outbox.OpenAsync(NodeStateLayout.Of(configuration).Root, TimeProvider.System);
        var entries = await outbox.ListAsync(OutboxEntryState.Delivered);
        Assert.Equal(charged.Select(e => e.SubmissionId).Order(), entries.Where(e => e.Kind == OutboxEntryKind.Statistics).Select(e => e.SubmissionId).Order());
        Assert.Equal(years.Count, (await outbox.ListAsync(OutboxEntryState.Failed)).Count(e => e.Kind == OutboxEntryKind.Statistics));
        var status = await ExternalProcess.RunFedAsync(Timeout, "node", "status", "--config", path);
        Assert.True(status.ExitCode == 0, $"fed node status exited {status.ExitCode}: {status.Error}\n{status.Output}");
        Assert.Contains($"exit code 0 (delivered): 0 release(s) signed and sent, {years.Count} re-signed and sent", status.Output, StringComparison.Ordinal);
    }

    private static int CountOccurrences(string text, string value) => (text.Length - text.Replace(value, string.Empty, StringComparison.Ordinal).Length) / value.Length;

    private static async Task<string> FedAsync(params string[] arguments)
    {
        var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, arguments);
        Assert.True(exitCode == 0, $"fed {string.Join(' ', arguments)} exited {exitCode}: {error}\n{output}");
        return output;
    }

    private static async Task<string> RunOnceAsync(string configurationPath)
    {
        var (exitCode, output, error) = await ExternalProcess.RunFedAsync(Timeout, "node", "run", "--config", configurationPath, "--once");
        Assert.True(exitCode == 0, $"fed node run exited {exitCode}: {error}\n{output}");
        return output;
    }
}
