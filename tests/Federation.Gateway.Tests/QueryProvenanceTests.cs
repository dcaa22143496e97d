using Federation.Contracts.V1;
using Federation.Sdk.Transparency;
using Grpc.Core;

namespace Federation.Gateway.Tests;

/// <summary>
/// Every query answer says what it can be cited by (publication flag, the signed checkpoint of its tree size, its root
/// hash and log key id, when it was computed), and its rows carry the StatCan "r" (revised since the first edition) and
/// "p" (preliminary: the year's last edition is not yet due) marks. One gateway: Ontario's last year revised once, Nova
/// Scotia's last year and the year before released once.
/// </summary>
public sealed class QueryProvenanceTests : IAsyncLifetime
{
    private const string DatasetId = "trafficking.victims.v1";

    // The demo calendar: first edition 3 months after the year closes, revision 15 months after. Last year's revision is
    // not yet due (preliminary); the year before last is past both editions.
    private static readonly int OpenYear = DateTime.UtcNow.Year - 1;
    private static readonly int ClosedYear = DateTime.UtcNow.Year - 2;

    private GatewayFixture _gateway = null!;
    private ulong _beforeRevision;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayFixture.StartAsync();
        await Submit("NS", ClosedYear, total: 30, DateTimeOffset.UtcNow.AddHours(-3));
        await Submit("NS", OpenYear, total: 35, DateTimeOffset.UtcNow.AddHours(-3));
        var first = await Submit("ON", OpenYear, total: 300, DateTimeOffset.UtcNow.AddHours(-2));
        _beforeRevision = first.TreeSize;
        await Submit("ON", OpenYear, total: 336, DateTimeOffset.UtcNow.AddHours(-1));
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task An_answer_carries_the_signed_checkpoint_of_its_tree_size_and_the_log_key_id()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var answer = await _gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId, Publication = true, ByJurisdiction = true });

        var log = new TransparencyLogService.TransparencyLogServiceClient(_gateway.Channel);
        var checkpoint = await log.GetCheckpointAsync(new GetCheckpointRequest { TreeSize = answer.TreeSize });
        Assert.Equal(checkpoint.Checkpoint, answer.Checkpoint);
        var verifier = _gateway.Federation.LogVerifierKey;
        var signed = verifier.TryOpenCheckpoint(answer.Checkpoint, out var error);
        Assert.True(signed is not null, error);
        Assert.Equal((long)answer.TreeSize, signed.TreeSize);
        Assert.Equal(signed.RootHash, answer.RootHash.ToByteArray());
        Assert.Equal(verifier.KeyId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture), answer.LogKeyId);
        Assert.True(answer.Publication);
        Assert.Equal((DatasetId, "T0"), (answer.DatasetId, answer.TableId));
        Assert.InRange(answer.ComputedAt.ToDateTimeOffset(), before, DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task Rows_changed_since_the_first_edition_are_marked_revised_and_open_years_preliminary()
    {
        var national = await _gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId });
        var byJurisdiction = await _gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId, ByJurisdiction = true, Jurisdictions = { "NS", "ON" } });

        var closed = Assert.Single(national.Rows, r => r.ReferenceYear == ClosedYear);
        var open = Assert.Single(national.Rows, r => r.ReferenceYear == OpenYear);
        Assert.Equal((30L, false, false), (closed.Value, closed.Revised, closed.Preliminary));
        Assert.Equal((371L, true, true), (open.Value, open.Revised, open.Preliminary));
        var ontario = Assert.Single(byJurisdiction.Rows, r => r.ReferenceYear == OpenYear && r.Jurisdiction == "ON");
        var novaScotia = Assert.Single(byJurisdiction.Rows, r => r.ReferenceYear == OpenYear && r.Jurisdiction == "NS");
        Assert.True(ontario.Revised);
        Assert.False(novaScotia.Revised);
        Assert.True(novaScotia.Preliminary);
        var notReported = Assert.Single(byJurisdiction.Rows, r => r.ReferenceYear == ClosedYear && r.Jurisdiction == "ON");
        Assert.Equal((CellStatus.NotAvailable, false, false), (notReported.Status, notReported.Revised, notReported.Preliminary));
    }

    [Fact]
    public async Task As_of_a_checkpoint_before_the_revision_nothing_is_revised()
    {
        var asOf = await _gateway.QueryAsync(new QueryRequest { DatasetId = DatasetId, Years = { OpenYear }, AsOfTreeSize = _beforeRevision });

        var row = Assert.Single(asOf.Rows);
        Assert.Equal((335L, false), (row.Value, row.Revised));
        Assert.Equal(_beforeRevision, asOf.TreeSize);
        var log = new TransparencyLogService.TransparencyLogServiceClient(_gateway.Channel);
        Assert.Equal((await log.GetCheckpointAsync(new GetCheckpointRequest { TreeSize = _beforeRevision })).Checkpoint, asOf.Checkpoint);
    }

    [Fact]
    public async Task A_checkpoint_of_a_tree_size_beyond_the_log_is_refused_naming_tree_size()
    {
        var log = new TransparencyLogService.TransparencyLogServiceClient(_gateway.Channel);

        await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "tree_size", async () => await log.GetCheckpointAsync(new GetCheckpointRequest { TreeSize = 1000 }));
    }

    private Task<Receipt> Submit(string jurisdiction, int year, long total, DateTimeOffset producedAt) =>
        _gateway.SubmitAsync(TestSubmissions.Sign(TestSubmissions.Complete(jurisdiction, year, total, producedAt: producedAt), _gateway.Federation.Node(jurisdiction)));
}
