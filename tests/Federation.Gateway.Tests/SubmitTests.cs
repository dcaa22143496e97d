using Federation.Contracts.V1;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Gateway.Tests;

public sealed class SubmitTests
{
    private static readonly int LastYear = DateTime.UtcNow.Year - 1;

    [Fact]
    public async Task A_valid_signed_submission_is_stored_and_receipted()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var submission = TestSubmissions.Complete("ON", LastYear, total: 300);
        var envelope = TestSubmissions.Sign(submission, gateway.Federation.Node("ON"));

        var receipt = await gateway.SubmitAsync(envelope);

        Assert.Equal(64, receipt.SubmissionId.Length);
        Assert.Equal("ON", receipt.Jurisdiction);
        Assert.Equal(LastYear, receipt.ReferenceYear);
        Assert.Equal(1, receipt.Revision);
        Assert.Equal(string.Empty, receipt.SupersedesSubmissionId);
        var total = await gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1", Years = { LastYear } });
        Assert.Equal(300, Assert.Single(total.Rows).Value);
    }

    [Fact]
    public async Task The_same_envelope_sent_twice_returns_the_same_receipt_and_counts_once()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var envelope = TestSubmissions.Sign(TestSubmissions.Complete("NS", LastYear, total: 40), gateway.Federation.Node("NS"));

        var first = await gateway.SubmitAsync(envelope);
        var second = await gateway.SubmitAsync(envelope);

        Assert.Equal(first, second);
        var total = await gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1", Years = { LastYear } });
        Assert.Equal(40, Assert.Single(total.Rows).Value);
    }

    [Fact]
    public async Task The_same_submission_signed_again_is_recognised_as_already_stored()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var submission = TestSubmissions.Complete("NS", LastYear, total: 40);
        var first = await gateway.SubmitAsync(TestSubmissions.Sign(submission, gateway.Federation.Node("NS")));
        var second = await gateway.SubmitAsync(TestSubmissions.Sign(submission, gateway.Federation.Node("NS")));

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task A_newer_submission_for_the_same_year_supersedes_the_old_one_and_history_is_kept()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var node = gateway.Federation.Node("QC");
        var first = await gateway.SubmitAsync(TestSubmissions.Sign(
            TestSubmissions.Complete("QC", LastYear, total: 50, producedAt: DateTimeOffset.UtcNow.AddHours(-2)), node));
        var revised = await gateway.SubmitAsync(TestSubmissions.Sign(
            TestSubmissions.Complete("QC", LastYear, total: 65, producedAt: DateTimeOffset.UtcNow.AddHours(-1)), node));

        Assert.Equal(2, revised.Revision);
        Assert.Equal(first.SubmissionId, revised.SupersedesSubmissionId);
        var total = await gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1", Years = { LastYear } });
        Assert.Equal(65, Assert.Single(total.Rows).Value);
        var store = gateway.App.Services.GetRequiredService<Serving.ServedStatistics>();
        var history = await store.GetHistoryAsync("trafficking.victims.v1", "QC", LastYear, CancellationToken.None);
        Assert.Equal([first.SubmissionId, revised.SubmissionId], history.Select(h => h.SubmissionId));
        Assert.Equal(revised.SubmissionId, history[0].SupersededBy);
    }

    [Fact]
    public async Task A_release_older_than_the_current_one_is_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var node = gateway.Federation.Node("QC");
        await gateway.SubmitAsync(TestSubmissions.Sign(
            TestSubmissions.Complete("QC", LastYear, total: 65, producedAt: DateTimeOffset.UtcNow.AddHours(-1)), node));

        await RefusalAssert.RefusedAsync(StatusCode.FailedPrecondition, "submission.produced_at", () => gateway.SubmitAsync(TestSubmissions.Sign(
            TestSubmissions.Complete("QC", LastYear, total: 50, producedAt: DateTimeOffset.UtcNow.AddHours(-2)), node)));
    }

    [Fact]
    public async Task A_negative_noisy_value_is_accepted_and_kept_as_drawn()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var submission = TestSubmissions.Complete("ON", LastYear, total: -2);

        await gateway.SubmitAsync(TestSubmissions.Sign(submission, gateway.Federation.Node("ON")));

        var row = Assert.Single((await gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1" })).Rows);
        Assert.Equal(-2, row.Value);
        Assert.Equal(CellStatus.TooUnreliable, row.Status);
    }

    [Fact]
    public async Task A_table_declaring_another_mechanism_than_the_catalogue_is_refused_naming_the_table()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var submission = TestSubmissions.Complete("ON", LastYear);
        submission.Protection.TableNoise[4] = new TableNoise { TableId = "T4", Mechanism = ProtectionMechanism.DiscreteLaplace, Scale = "2" };

        var refusal = await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "submission.protection.table_noise[4].mechanism", () =>
            gateway.SubmitAsync(TestSubmissions.Sign(submission, gateway.Federation.Node("ON"))));

        var violation = Assert.Single(refusal.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
        Assert.Equal("submission.protection.table_noise[4].mechanism", violation.Field);
        Assert.Equal("Table T4 declares discrete Laplace, scale 2, but dataset trafficking.victims.v1 requires discrete Gaussian, variance 20 for it.", violation.Description);
    }

    [Fact]
    public async Task Bytes_that_are_not_a_submission_are_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var envelope = TestSubmissions.Sign([0xFF, 0xFF, 0xFF, 0xFF], gateway.Federation.Node("ON"));

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "envelope.submission", () => gateway.SubmitAsync(envelope));
    }

    [Fact]
    public async Task An_envelope_without_a_signature_is_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var envelope = new SignedEnvelope { Submission = TestSubmissions.Complete("ON", LastYear).ToByteString() };

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "envelope.signature", () => gateway.SubmitAsync(envelope));
    }

    [Fact]
    public async Task An_oversized_message_is_refused_with_resource_exhausted()
    {
        await using var gateway = await GatewayFixture.StartAsync(options => options.MaxReceiveMessageBytes = 64 * 1024);
        var envelope = new SignedEnvelope
        {
            Submission = ByteString.CopyFrom(new byte[80 * 1024]),
            Signature = ByteString.CopyFrom(new byte[16]),
        };

        var exception = await Assert.ThrowsAsync<RpcException>(() => gateway.SubmitAsync(envelope));

        Assert.Equal(StatusCode.ResourceExhausted, exception.StatusCode);
    }
}
