using Federation.Contracts.V1;
using Federation.Gateway.ServiceDirectory;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Gateway.Tests;

public sealed class DirectorySubmitTests
{
    [Fact]
    public async Task A_signed_snapshot_is_stored_and_the_same_envelope_again_returns_the_same_receipt()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var release = TestDirectories.Release("ON", TestDirectories.Ontario(DateTimeOffset.UtcNow));
        var envelope = TestSubmissions.Sign(release.ToByteArray(), gateway.Federation.Node("ON"));

        var first = await gateway.SubmitDirectoryAsync(envelope, "ON");
        var second = await gateway.SubmitDirectoryAsync(envelope, "ON");

        Assert.Equal(first, second);
        Assert.Equal(64, first.ReleaseId.Length);
        Assert.Equal(("ON", 1, 5, 4, 0), (first.Jurisdiction, first.SnapshotRevision, first.Services, first.ReadingsApplied, first.ReadingsOutdated));
    }

    [Fact]
    public async Task A_directory_receipt_proves_the_release_is_a_directory_leaf_of_the_log()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete("ON", DateTime.UtcNow.Year - 1), gateway.Federation.Node("ON")));
        var envelope = TestSubmissions.Sign(TestDirectories.Release("ON", TestDirectories.Ontario(DateTimeOffset.UtcNow)).ToByteArray(), gateway.Federation.Node("ON"));

        var receipt = await gateway.SubmitDirectoryAsync(envelope, "ON");

        var verifier = new Sdk.Transparency.ReceiptVerifier(gateway.Federation.LogVerifierKey);
        Assert.True(verifier.Verify(receipt, envelope).IsValid, verifier.Verify(receipt, envelope).Failure);
        Assert.Equal((1UL, 2UL), (receipt.LeafIndex, receipt.TreeSize));
        var entries = await new TransparencyLogService.TransparencyLogServiceClient(gateway.Channel).GetEntriesAsync(new GetEntriesRequest { Start = 1, End = 2 });
        var leaf = SignedEnvelope.Parser.ParseFrom(Assert.Single(entries.Entries).Entry);
        Assert.Equal(SignedContent.DirectoryRelease, leaf.Content);
        Assert.Equal(envelope.Submission, leaf.Submission);
        // The same envelope read as a statistics release is another leaf: a node cannot be fooled about the kind.
        Assert.False(verifier.Verify(new Receipt { Checkpoint = receipt.Checkpoint, TreeSize = receipt.TreeSize, LeafIndex = receipt.LeafIndex, LeafHash = receipt.LeafHash, InclusionProof = { receipt.InclusionProof } }, envelope).IsValid);
    }

    [Fact]
    public async Task A_directory_signed_by_another_jurisdictions_node_is_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();

        await RefusalAssert.RefusedAsync(StatusCode.PermissionDenied, "release.jurisdiction", () =>
            gateway.PublishAsync(TestDirectories.Release("ON", TestDirectories.Ontario(DateTimeOffset.UtcNow)), signedBy: "QC"));
    }

    [Fact]
    public async Task Bad_directory_data_is_refused_naming_each_field()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var snapshot = TestDirectories.Ontario(DateTimeOffset.UtcNow);
        snapshot.Services[0].Capacities[0].Available = 11;
        snapshot.Services[1].Languages.Add(new Language { Code = "klingon" });
        snapshot.Services[2].Eligibility.MinimumAge = 130;

        var refusal = await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "release.snapshot.services[0].capacities[0].available", () =>
            gateway.PublishAsync(TestDirectories.Release("ON", snapshot)));

        var fields = refusal.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations.Select(v => v.Field).ToArray();
        Assert.Contains("release.snapshot.services[1].languages[1].code", fields);
        Assert.Contains("release.snapshot.services[2].eligibility.minimum_age", fields);
    }

    [Fact]
    public async Task A_shelter_at_a_location_with_an_address_is_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var snapshot = TestDirectories.Ontario(DateTimeOffset.UtcNow);
        snapshot.ServiceAtLocations[0].LocationId = "office-1";

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "release.snapshot.service_at_locations[0].location_id", () =>
            gateway.PublishAsync(TestDirectories.Release("ON", snapshot)));
    }

    [Fact]
    public async Task An_address_smuggled_onto_a_redacted_location_as_an_unknown_field_is_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var snapshot = TestDirectories.Ontario(DateTimeOffset.UtcNow);
        // Field 2 of RedactedLocation does not exist; a sender could still write "street_address" there.
        var smuggled = RedactedWithStreet("Toronto", "100 Secret Lane");
        snapshot.Locations[0].Redacted = RedactedLocation.Parser.ParseFrom(smuggled);
        var bytes = TestDirectories.Release("ON", snapshot).ToByteArray();
        Assert.True(bytes.AsSpan().IndexOf("100 Secret Lane"u8) >= 0);

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "envelope.submission", () => gateway.PublishAsync(bytes, "ON"));
    }

    [Fact]
    public async Task Capacity_updates_need_a_snapshot_and_known_services()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;

        await RefusalAssert.RefusedAsync(StatusCode.FailedPrecondition, "release.capacity_update", () =>
            gateway.PublishAsync(TestDirectories.Update("ON", ("A", TestDirectories.Beds(1, 10, now)))));

        await gateway.PublishAsync(TestDirectories.Release("ON", TestDirectories.Ontario(now)));
        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "release.capacity_update.readings[0].service_id", () =>
            gateway.PublishAsync(TestDirectories.Update("ON", ("Z", TestDirectories.Beds(1, 10, now)))));
    }

    [Fact]
    public async Task A_newer_count_becomes_current_and_an_older_one_is_kept_as_history_only()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await gateway.PublishAsync(TestDirectories.Release("ON", TestDirectories.Ontario(now)));

        var receipt = await gateway.PublishAsync(TestDirectories.Update(
            "ON",
            ("A", TestDirectories.Beds(0, 10, now.AddMinutes(-1))),
            ("B", TestDirectories.Beds(9, 10, now.AddDays(-1)))));

        Assert.Equal((1, 1), (receipt.ReadingsApplied, receipt.ReadingsOutdated));
        var found = await gateway.ReferralDirectory().FindServicesAsync(new FindServicesRequest { Jurisdictions = { "ON" }, ServiceTypes = { ServiceType.EmergencyShelter } });
        Assert.Equal(0, found.Matches.Single(m => m.Service.Id == "A").Available);
        Assert.Equal(5, found.Matches.Single(m => m.Service.Id == "B").Available);
    }

    [Fact]
    public async Task A_new_snapshot_replaces_the_old_one_history_is_kept_and_an_older_one_is_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var first = await gateway.PublishAsync(TestDirectories.Release("ON", TestDirectories.Ontario(now), now.AddMinutes(-10)));
        var smaller = TestDirectories.Ontario(now);
        smaller.Services.RemoveAt(4);
        var second = await gateway.PublishAsync(TestDirectories.Release("ON", smaller, now.AddMinutes(-5)));

        Assert.Equal((2, first.ReleaseId), (second.SnapshotRevision, second.SupersedesReleaseId));
        var found = await gateway.Directory().FindServicesAsync(new FindServicesRequest());
        Assert.DoesNotContain(found.Matches, m => m.Service.Id == "E");
        var summary = await gateway.Directory().CapacitySummaryAsync(new CapacitySummaryRequest { ServiceTypes = { ServiceType.TransitionalHousing } });
        Assert.Empty(summary.Rows);
        var history = await gateway.App.Services.GetRequiredService<IDirectoryStore>().GetHistoryAsync("ON", CancellationToken.None);
        Assert.Equal([first.ReleaseId, second.ReleaseId], history.Select(h => h.ReleaseId));
        Assert.Equal(second.ReleaseId, history[0].SupersededBy);

        await RefusalAssert.RefusedAsync(StatusCode.FailedPrecondition, "release.produced_at", () =>
            gateway.PublishAsync(TestDirectories.Release("ON", TestDirectories.Ontario(now), now.AddMinutes(-20))));
    }

    /// <summary>A RedactedLocation's bytes with a field 2 the contract does not have, as a careless or hostile sender might write.</summary>
    private static byte[] RedactedWithStreet(string area, string street)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream, leaveOpen: true);
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteString(area);
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteString(street);
        output.Flush();
        return stream.ToArray();
    }
}
