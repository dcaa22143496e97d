using System.Security.Cryptography.X509Certificates;
using Federation.Contracts.V1;
using Federation.Sdk.Identity;
using Federation.Sdk.Trust;
using Grpc.Core;

namespace Federation.Gateway.Tests;

public sealed class NodeLifecycleTests
{
    private static readonly int LastYear = DateTime.UtcNow.Year - 1;

    [Fact]
    public async Task Enrolment_from_a_certificate_request_lets_the_node_authenticate_with_its_own_key()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var (key, request) = NodeEnrolment.CreateRequest("MB", "node-mb-prod");
        using (key)
        {
            using var issued = gateway.Federation.Authority.IssueNodeCertificateFromRequest(request, "MB");
            using var admin = gateway.TokensFor(GatewayFixture.AdminCredentials);
            using var adminChannel = gateway.ChannelFor(admin);
            var registered = await new AdminService.AdminServiceClient(adminChannel).RegisterNodeAsync(new RegisterNodeRequest { CertificatePem = issued.ExportCertificatePem() });
            using var node = NodeEnrolment.Combine(issued, key);
            using var tokens = gateway.TokensFor(GatewayCredentials.ForNode("node-mb-prod", node));
            using var channel = gateway.ChannelFor(tokens);

            var response = await new SubmissionService.SubmissionServiceClient(channel).SubmitAsync(
                new SubmitRequest { Envelope = TestSubmissions.Sign(TestSubmissions.Complete("MB", LastYear), node) });

            Assert.Equal("MB", registered.Client.Jurisdiction);
            Assert.Equal(ClientRole.Node, registered.Client.Role);
            Assert.Equal("MB", response.Receipt.Jurisdiction);
        }
    }

    [Fact]
    public async Task During_a_key_rotation_both_certificates_work_and_after_revoking_the_old_one_only_the_new_one_does()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var old = gateway.Federation.Node("ON");
        await gateway.NodeTokensAsync("ON");
        using var replacement = gateway.Federation.Authority.IssueNodeCertificate("ON", GatewayFixture.NodeId("ON"));
        await gateway.WithRegistryAsync(r => r.RegisterNodeAsync(replacement, CancellationToken.None));
        using var oldTokens = gateway.TokensFor(GatewayCredentials.ForNode(GatewayFixture.NodeId("ON"), old));
        using var newTokens = gateway.TokensFor(GatewayCredentials.ForNode(GatewayFixture.NodeId("ON"), replacement));

        // Overlap: each key gets a token and each certificate's signature is accepted.
        await SubmitAsync(gateway, newTokens, TestSubmissions.Sign(TestSubmissions.Complete("ON", LastYear - 1), old));
        await SubmitAsync(gateway, oldTokens, TestSubmissions.Sign(TestSubmissions.Complete("ON", LastYear), replacement));

        await gateway.WithRegistryAsync(r => r.RevokeCertificateAsync(GatewayCredentials.KeyIdOf(old), "rotated", CancellationToken.None));
        oldTokens.Invalidate();

        var noToken = await Assert.ThrowsAsync<GatewayAuthenticationException>(() => oldTokens.GetAccessTokenAsync());
        Assert.Equal("invalid_client", noToken.Error);
        var oldSignature = await RefusalAssert.RefusedAsync(StatusCode.PermissionDenied, "envelope.signature", () =>
            SubmitAsync(gateway, newTokens, TestSubmissions.Sign(TestSubmissions.Complete("ON", LastYear - 2), old)));
        Assert.Contains("revoked", oldSignature.Status.Detail, StringComparison.Ordinal);
        var receipt = await SubmitAsync(gateway, newTokens, TestSubmissions.Sign(TestSubmissions.Complete("ON", LastYear - 2), replacement));
        Assert.Equal(1, receipt.Revision);
    }

    [Fact]
    public async Task A_revoked_node_gets_no_token_its_current_token_is_refused_and_its_earlier_submissions_stay_marked()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var earlier = await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("NS", LastYear, total: 40), gateway.Federation.Node("NS")));
        var nodeTokens = await gateway.NodeTokensAsync("NS");
        var stillValidToken = await nodeTokens.GetAccessTokenAsync();
        using var admin = gateway.TokensFor(GatewayFixture.AdminCredentials);
        using var adminChannel = gateway.ChannelFor(admin);
        var adminClient = new AdminService.AdminServiceClient(adminChannel);

        var revoked = await adminClient.RevokeClientAsync(new RevokeClientRequest { ClientId = GatewayFixture.NodeId("NS"), Reason = "key compromised" });

        Assert.Equal(1, revoked.SignedSubmissions);
        var refusal = await Assert.ThrowsAsync<RpcException>(async () => await gateway.Submissions.SubmitAsync(
            new SubmitRequest { Envelope = TestSubmissions.Sign(TestSubmissions.Complete("NS", LastYear - 1), gateway.Federation.Node("NS")) },
            headers: new Metadata { { "Authorization", "Bearer " + stillValidToken } }));
        Assert.Equal(StatusCode.PermissionDenied, refusal.StatusCode);
        Assert.Contains("revoked", refusal.Status.Detail, StringComparison.Ordinal);
        nodeTokens.Invalidate();
        Assert.Equal("invalid_client", (await Assert.ThrowsAsync<GatewayAuthenticationException>(() => nodeTokens.GetAccessTokenAsync())).Error);

        var total = await gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1", Years = { LastYear } });
        Assert.Equal(40, Assert.Single(total.Rows).Value);
        var provenance = (await adminClient.GetSubmissionProvenanceAsync(new GetSubmissionProvenanceRequest { SubmissionId = earlier.SubmissionId })).Provenance;
        Assert.True(provenance.SignerRevoked);
        Assert.Equal("key compromised", provenance.SignerRevocationReason);
        Assert.Equal(GatewayCredentials.KeyIdOf(gateway.Federation.Node("NS")), provenance.SignerThumbprint);
    }

    [Fact]
    public async Task A_revoked_analyst_is_refused_at_once_even_with_an_unexpired_token()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1" });

        await gateway.WithRegistryAsync(r => r.RevokeClientAsync(GatewayFixture.AnalystId, "left the agency", CancellationToken.None));

        var refusal = await Assert.ThrowsAsync<RpcException>(() => gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1" }));
        Assert.Equal(StatusCode.PermissionDenied, refusal.StatusCode);
        Assert.Contains("left the agency", refusal.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_analyst_deleted_from_the_identity_store_by_another_process_is_refused_at_its_next_call()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1" }); // the clients are held in memory now

        // Another connection to the file (as a tool or an operator in sqlite3 would): the gateway's registry is not involved.
        await using (var other = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(gateway.Federation.Directory, "identity.db")};Pooling=False"))
        {
            await other.OpenAsync();
            await using var delete = other.CreateCommand();
            delete.CommandText = $"""DELETE FROM "FederationClients" WHERE "ClientId" = '{GatewayFixture.AnalystId}'""";
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }

        var refusal = await Assert.ThrowsAsync<RpcException>(() => gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1" }));
        Assert.Equal(StatusCode.PermissionDenied, refusal.StatusCode);
        Assert.Contains($"'{GatewayFixture.AnalystId}' is not registered", refusal.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_administrator_registers_an_analyst_whose_secret_works_and_is_stored_only_hashed()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var admin = gateway.TokensFor(GatewayFixture.AdminCredentials);
        using var adminChannel = gateway.ChannelFor(admin);

        var registered = await new AdminService.AdminServiceClient(adminChannel).RegisterClientAsync(
            new RegisterClientRequest { ClientId = "analyst-2", Role = ClientRole.Analyst });
        using var tokens = gateway.TokensFor(GatewayCredentials.ForSecret("analyst-2", registered.ClientSecret, FederationScopes.Query));
        using var channel = gateway.ChannelFor(tokens);
        await new QueryService.QueryServiceClient(channel).QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1" });

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var identityStore = await File.ReadAllBytesAsync(Path.Combine(gateway.Federation.Directory, "identity.db"));
        Assert.True(identityStore.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(registered.ClientSecret)) < 0, "the secret is stored in clear");
    }

    [Fact]
    public async Task A_certificate_binding_no_jurisdiction_cannot_be_registered_as_a_node()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var signer = gateway.Federation.Authority.IssueGatewaySigningCertificate("not-a-node");

        using var admin = gateway.TokensFor(GatewayFixture.AdminCredentials);
        using var channel = gateway.ChannelFor(admin);

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "certificate_pem", async () =>
            await new AdminService.AdminServiceClient(channel).RegisterNodeAsync(new RegisterNodeRequest { CertificatePem = signer.ExportCertificatePem() }));
    }

    private static async Task<Receipt> SubmitAsync(GatewayFixture gateway, GatewayTokenProvider tokens, SignedEnvelope envelope) =>
        (await gateway.Submissions.SubmitAsync(new SubmitRequest { Envelope = envelope }, headers: await GatewayFixture.BearerAsync(tokens))).Receipt;
}
