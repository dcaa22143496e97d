using Federation.Contracts.V1;
using Federation.Sdk.Catalog;
using Federation.Sdk.Trust;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Gateway.Tests;

/// <summary>
/// Forged, tampered and out-of-catalogue releases are refused with the field at fault and nothing stored, for every
/// dataset of the catalogue (the gateway has no code for any one of them). All share one gateway: nothing in this
/// class is ever accepted, so its log stays empty.
/// </summary>
public sealed class ReleaseAttackTests(ReleaseAttackTests.SharedGateway shared) : IClassFixture<ReleaseAttackTests.SharedGateway>
{
    private static readonly int LastYear = DateTime.UtcNow.Year - 1;

    /// <summary>Every dataset of the catalogue that nodes release.</summary>
    public static TheoryData<string> Datasets => [.. DatasetCatalog.Default.Datasets.Where(d => d.Record is not null).Select(d => d.Id)];

    /// <summary>One gateway for the class.</summary>
    public sealed class SharedGateway : IAsyncLifetime
    {
        internal GatewayFixture Gateway { get; private set; } = null!;

        public async Task InitializeAsync() => Gateway = await GatewayFixture.StartAsync();

        public async Task DisposeAsync() => await Gateway.DisposeAsync();
    }

    private GatewayFixture Gateway => shared.Gateway;

    [Theory]
    [MemberData(nameof(Datasets))]
    public async Task A_submission_with_one_byte_changed_is_refused_with_a_reason(string datasetId)
    {
        var envelope = TestSubmissions.Sign(Release(datasetId, "ON"), Gateway.Federation.Node("ON"));
        var tampered = envelope.Submission.ToByteArray();
        tampered[^1] ^= 0x01;
        envelope.Submission = ByteString.CopyFrom(tampered);

        var refusal = await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "envelope.signature", () => Gateway.SubmitAsync(envelope));

        Assert.Contains("does not match", refusal.Status.Detail, StringComparison.OrdinalIgnoreCase);
        await AssertNothingStoredAsync();
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public async Task A_signature_with_one_byte_changed_is_refused(string datasetId)
    {
        var envelope = TestSubmissions.Sign(Release(datasetId, "ON"), Gateway.Federation.Node("ON"));
        var signature = envelope.Signature.ToByteArray();
        signature[^10] ^= 0x01;
        envelope.Signature = ByteString.CopyFrom(signature);

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "envelope.signature", () => Gateway.SubmitAsync(envelope));
        await AssertNothingStoredAsync();
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public async Task A_submission_signed_by_a_certificate_of_another_root_is_refused(string datasetId)
    {
        using var otherRoot = FederationCertificateAuthority.Create("Somebody Else's Root");
        using var impostor = otherRoot.IssueNodeCertificate("ON", "node-on");

        await RefusalAssert.RefusedAsync(StatusCode.PermissionDenied, "envelope.signature", () =>
            Gateway.SubmitAsync(TestSubmissions.Sign(Release(datasetId, "ON"), impostor)));
        await AssertNothingStoredAsync();
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public async Task Another_provinces_release_signed_with_a_nodes_own_certificate_is_refused(string datasetId)
    {
        var refusal = await RefusalAssert.RefusedAsync(StatusCode.PermissionDenied, "submission.jurisdiction", () =>
            Gateway.SubmitAsync(TestSubmissions.Sign(Release(datasetId, "NS"), Gateway.Federation.Node("ON"))));

        Assert.Contains("'NS'", refusal.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("'ON'", refusal.Status.Detail, StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public async Task An_incomplete_grid_is_refused_naming_the_table(string datasetId)
    {
        var submission = Release(datasetId, "ON");
        submission.Tables[1].Cells.RemoveAt(3);

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "submission.tables[1]", () =>
            Gateway.SubmitAsync(TestSubmissions.Sign(submission, Gateway.Federation.Node("ON"))));
        await AssertNothingStoredAsync();
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public async Task A_code_outside_the_catalogue_is_refused_naming_the_table(string datasetId)
    {
        var submission = Release(datasetId, "ON");
        submission.Tables[1].Cells[0].Codes[0] = "NOT_A_CODE";

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "submission.tables[1]", () =>
            Gateway.SubmitAsync(TestSubmissions.Sign(submission, Gateway.Federation.Node("ON"))));
        await AssertNothingStoredAsync();
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public async Task A_table_outside_the_catalogue_is_refused(string datasetId)
    {
        var submission = Release(datasetId, "ON");
        submission.Tables.Add(new TableRelease { TableId = "T99", Cells = { new Cell { Value = 5 } } });

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, $"submission.tables[{submission.Tables.Count - 1}]", () =>
            Gateway.SubmitAsync(TestSubmissions.Sign(submission, Gateway.Federation.Node("ON"))));
        await AssertNothingStoredAsync();
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public async Task A_declared_noise_variance_other_than_the_catalogue_is_refused_at_its_field(string datasetId)
    {
        var submission = Release(datasetId, "ON");
        submission.Protection.TableNoise[0].Variance = "1";

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "submission.protection.table_noise[0].variance", () =>
            Gateway.SubmitAsync(TestSubmissions.Sign(submission, Gateway.Federation.Node("ON"))));
        await AssertNothingStoredAsync();
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public async Task A_release_declaring_random_rounding_is_refused_where_the_catalogue_requires_noise(string datasetId)
    {
        var submission = Release(datasetId, "ON");
        submission.Protection = new Contracts.V1.ProtectionPolicy { Mechanism = ProtectionMechanism.RandomRounding, RoundingBase = 5 };

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "submission.protection.mechanism", () =>
            Gateway.SubmitAsync(TestSubmissions.Sign(submission, Gateway.Federation.Node("ON"))));
        await AssertNothingStoredAsync();
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public async Task A_future_reference_year_is_refused(string datasetId)
    {
        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "submission.reference_year", () =>
            Gateway.SubmitAsync(TestSubmissions.Sign(Release(datasetId, "ON", DateTime.UtcNow.Year + 1), Gateway.Federation.Node("ON"))));
        await AssertNothingStoredAsync();
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public async Task Submission_bytes_with_an_unknown_field_are_refused_even_when_signed(string datasetId)
    {
        // Field 99, wire type 2 (length-delimited), carrying text the contract has no field for.
        byte[] smuggled = [0x9A, 0x06, 0x05, (byte)'J', (byte)'a', (byte)'n', (byte)'e', (byte)'D'];
        var envelope = TestSubmissions.Sign([.. Release(datasetId, "ON").ToByteArray(), .. smuggled], Gateway.Federation.Node("ON"));

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "envelope.submission", () => Gateway.SubmitAsync(envelope));
        await AssertNothingStoredAsync();
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public async Task A_release_of_a_dataset_outside_the_catalogue_is_refused_naming_the_dataset(string datasetId)
    {
        var submission = Release(datasetId, "ON");
        submission.DatasetId = datasetId.Replace(".v1", ".v9", StringComparison.Ordinal);

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "submission.dataset_id", () =>
            Gateway.SubmitAsync(TestSubmissions.Sign(submission, Gateway.Federation.Node("ON"))));
        await AssertNothingStoredAsync();
    }

    private static Submission Release(string datasetId, string jurisdiction, int? year = null) =>
        TestSubmissions.Complete(jurisdiction, year ?? LastYear, (table, _) => table.Dimensions.Count == 0 ? 25 : 5, of: DatasetCatalog.Default.Get(datasetId));

    private async Task AssertNothingStoredAsync()
    {
        var store = Gateway.App.Services.GetRequiredService<Federation.Gateway.Storage.ILogStore>();
        Assert.Equal(0, await store.GetTreeSizeAsync(CancellationToken.None));
    }
}
