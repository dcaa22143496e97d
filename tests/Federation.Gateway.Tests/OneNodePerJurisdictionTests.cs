using Federation.Contracts.V1;
using Grpc.Core;

namespace Federation.Gateway.Tests;

/// <summary>A jurisdiction has one active node: a second is refused unless it replaces the first, which is then revoked and audited.</summary>
public sealed class OneNodePerJurisdictionTests
{
    [Fact]
    public async Task A_second_node_for_a_jurisdiction_is_refused_naming_the_active_one_and_registered_when_it_replaces_it()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.NodeTokensAsync("NS");
        using var second = gateway.Federation.Authority.IssueNodeCertificate("NS", "node-ns-2");
        using var adminTokens = gateway.TokensFor(GatewayFixture.AdminCredentials);
        using var channel = gateway.ChannelFor(adminTokens);
        var admin = new AdminService.AdminServiceClient(channel);

        var refusal = await RefusalAssert.RefusedAsync(
            StatusCode.FailedPrecondition,
            "replaces_node_id",
            async () => await admin.RegisterNodeAsync(new RegisterNodeRequest { CertificatePem = second.ExportCertificatePem() }));
        Assert.Contains("NS already has an active node, 'node-ns'", refusal.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("--replaces node-ns", refusal.Status.Detail, StringComparison.Ordinal);

        var wrong = await RefusalAssert.RefusedAsync(
            StatusCode.FailedPrecondition,
            "replaces_node_id",
            async () => await admin.RegisterNodeAsync(new RegisterNodeRequest { CertificatePem = second.ExportCertificatePem(), ReplacesNodeId = "node-on" }));
        Assert.Contains("'node-on' is not an active node of NS (its active node is 'node-ns')", wrong.Status.Detail, StringComparison.Ordinal);

        var replaced = await admin.RegisterNodeAsync(new RegisterNodeRequest { CertificatePem = second.ExportCertificatePem(), ReplacesNodeId = "node-ns" });

        Assert.Equal("node-ns-2", replaced.Client.ClientId);
        Assert.Equal("node-ns", replaced.Replaced.ClientId);
        Assert.Equal("replaced by node 'node-ns-2'", replaced.Replaced.RevocationReason);
        Assert.All(replaced.Replaced.Certificates, c => Assert.NotNull(c.RevokedAt));
        var audit = await admin.ListAuditEntriesAsync(new ListAuditEntriesRequest());
        Assert.Contains(audit.Entries, e => e.Method.EndsWith("/RegisterNode", StringComparison.Ordinal) && e.Parameters.Contains("\"replacesNodeId\": \"node-ns\"", StringComparison.Ordinal));

        // A key rotation of the active node is not a second node.
        using var rotated = gateway.Federation.Authority.IssueNodeCertificate("NS", "node-ns-2");
        var rotation = await admin.RegisterNodeAsync(new RegisterNodeRequest { CertificatePem = rotated.ExportCertificatePem() });
        Assert.Equal(2, rotation.Client.Certificates.Count(c => c.RevokedAt is null));
    }
}
