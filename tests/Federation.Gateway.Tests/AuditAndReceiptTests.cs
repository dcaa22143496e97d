using Federation.Contracts.V1;
using Federation.Gateway.Audit;
using Federation.Sdk.Publishing;
using Federation.Sdk.Signing;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Gateway.Tests;

public sealed class AuditAndReceiptTests
{
    private static readonly int LastYear = DateTime.UtcNow.Year - 1;

    [Fact]
    public async Task Every_query_and_every_refusal_is_in_the_audit_log_with_client_method_parameters_and_outcome()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1", GroupBy = { "gender" } });
        await Assert.ThrowsAsync<RpcException>(() => gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1", GroupBy = { "colour" } }));
        await Assert.ThrowsAsync<RpcException>(async () => await new QueryService.QueryServiceClient(gateway.AnonymousChannel).QueryAsync(new QueryRequest()));
        await Assert.ThrowsAsync<RpcException>(() => gateway.SubmitAsync(
            TestSubmissions.Sign(TestSubmissions.Complete("NS", LastYear), gateway.Federation.Node("ON"))));
        using var admin = gateway.TokensFor(GatewayFixture.AdminCredentials);
        using var channel = gateway.ChannelFor(admin);

        var entries = (await new AdminService.AdminServiceClient(channel).ListAuditEntriesAsync(new ListAuditEntriesRequest())).Entries;

        Assert.Collection(
            entries.Take(4).Reverse(),
            e => (e.ClientId, e.Method, e.Outcome, e.Refused, e.Parameters.Contains("\"gender\"", StringComparison.Ordinal))
                .Equals((GatewayFixture.AnalystId, "/federation.v1.QueryService/Query", "OK", false, true)).AssertTrue(e),
            e => (e.ClientId, e.Outcome, e.Refused, e.Detail.Contains("colour", StringComparison.Ordinal))
                .Equals((GatewayFixture.AnalystId, "InvalidArgument", true, true)).AssertTrue(e),
            e => (e.ClientId, e.Outcome, e.Refused).Equals(("anonymous", "Unauthenticated", true)).AssertTrue(e),
            e => (e.ClientId, e.Method, e.Outcome, e.Parameters.Contains("submissionId", StringComparison.Ordinal))
                .Equals(("node-on", "/federation.v1.SubmissionService/Submit", "PermissionDenied", true)).AssertTrue(e));
    }

    [Fact]
    public async Task A_refused_token_request_is_audited()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var wrong = gateway.TokensFor(Sdk.Identity.GatewayCredentials.ForSecret(GatewayFixture.AnalystId, "wrong"));
        await Assert.ThrowsAsync<Sdk.Identity.GatewayAuthenticationException>(() => wrong.GetAccessTokenAsync());

        var log = gateway.App.Services.GetRequiredService<IAuditLog>();
        var entry = Assert.Single(await log.ReadAsync(new AuditQuery(GatewayFixture.AnalystId, RefusalsOnly: true), CancellationToken.None));

        Assert.Equal("POST /connect/token", entry.Method);
        Assert.Equal("invalid_client", entry.Outcome);
    }

    [Fact]
    public async Task The_audit_log_refuses_updates_and_deletes()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1" });
        Assert.NotEmpty(await gateway.ReadAuditAsync());
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(gateway.Federation.Directory, "gateway.db")}");
        await connection.OpenAsync();

        foreach (var sql in new[] { "UPDATE audit_log SET outcome = 'OK'", "DELETE FROM audit_log" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            var refusal = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("append-only", refusal.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Receipts_are_signed_by_the_gateway_and_the_node_verifies_and_keeps_them()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var verifier = new ReceiptSignatureVerifier(gateway.Federation.Trust, TimeProvider.System);
        using var channel = gateway.ChannelFor(await gateway.NodeTokensAsync("YT"));
        var node = await TestNodeOutbox.OpenAsync(gateway, "YT", channel, Path.Combine(gateway.Federation.Directory, "node-state"));

        var published = await node.Publisher.PublishAsync(TestSubmissions.Complete("YT", LastYear, total: 5));

        var kept = node.Archive.FindReceiptSignature(published.Receipt);
        Assert.NotNull(kept);
        var response = new SubmitResponse { Receipt = published.Receipt, SignedReceipt = ByteString.CopyFrom(kept.Value.SignedReceipt), ReceiptSignature = ByteString.CopyFrom(kept.Value.Signature) };
        Assert.True(verifier.Verify(response).IsValid);
    }

    [Fact]
    public async Task A_receipt_altered_after_signing_or_signed_by_a_node_fails_verification()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var verifier = new ReceiptSignatureVerifier(gateway.Federation.Trust, TimeProvider.System);
        var response = await gateway.SubmitWithResponseAsync(TestSubmissions.Sign(TestSubmissions.Complete("PE", LastYear), gateway.Federation.Node("PE")));
        Assert.True(verifier.Verify(response).IsValid);

        var altered = response.Clone();
        var bytes = altered.SignedReceipt.ToByteArray();
        bytes[^1] ^= 0x01;
        altered.SignedReceipt = ByteString.CopyFrom(bytes);
        var byNode = response.Clone();
        byNode.ReceiptSignature = ByteString.CopyFrom(SubmissionSigner.Sign(response.SignedReceipt.Span, gateway.Federation.Node("PE"), DateTimeOffset.UtcNow));
        var mismatched = response.Clone();
        mismatched.Receipt.Revision = 7;

        Assert.False(verifier.Verify(altered).IsValid);
        Assert.Contains("not a gateway signing certificate", verifier.Verify(byNode).Message, StringComparison.Ordinal);
        Assert.False(verifier.Verify(mismatched).IsValid);
    }
}

internal static class AssertExtensions
{
    public static void AssertTrue(this bool condition, object subject) => Assert.True(condition, subject.ToString());
}
