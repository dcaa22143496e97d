using System.Globalization;
using System.Security.Cryptography;
using Federation.Contracts.V1;
using Federation.Node;
using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;
using Google.Protobuf;

namespace Federation.Cli.Output;

/// <summary>
/// What `fed node preview` shows, in one model for the table and the JSON form: what a run would send per reference
/// year (cells and their protection), the privacy budget, and the service directory summary.
/// </summary>
internal sealed record NodePreviewDocument(
    string NodeId,
    string Jurisdiction,
    string DatasetId,
    string Gateway,
    bool Sent,
    PreviewRecords Records,
    PreviewProtection Protection,
    bool Refused,
    string? Refusal,
    IReadOnlyList<PreviewRelease> Releases,
    PreviewDirectory? ServiceDirectory)
{
    /// <summary>Each source of the dataset's records as configured, with the adapter (and plug-in) that reads it.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>What one record is, in the catalogue's words: "victim identified", "completed court case".</summary>
    public string Unit { get; init; } = string.Empty;

    public static NodePreviewDocument From(NodePreview preview, PreviewDirectory? directory, IReadOnlyCollection<int> years)
    {
        var configuration = preview.Configuration;
        var dataset = preview.Dataset;
        var policy = dataset.Protection;
        var pipeline = preview.Pipeline;
        var releases = policy.IsNoise
            ? preview.Outlooks.Select(o => Release(dataset, configuration.Jurisdiction, o.ReferenceYear, o.Release, o, fixedRelease: true, RefusalOf(preview, o.ReferenceYear)))
            : pipeline.Submissions.Select(s => Release(dataset, configuration.Jurisdiction, s.ReferenceYear, s, outlook: null, fixedRelease: false, refusal: null));
        var shortfalls = preview.Outlooks.Where(o => o.Refused).Select(o => o.Shortfall(dataset.Id)).ToArray();
        return new NodePreviewDocument(
            configuration.NodeId,
            configuration.Jurisdiction,
            dataset.Id,
            configuration.Gateway.Address,
            Sent: false,
            new PreviewRecords(pipeline.RecordsRead, pipeline.RecordsAccepted, pipeline.RecordsOutOfScope, pipeline.Quarantined.Count),
            new PreviewProtection(
                policy.CommonMechanism is { } common ? MechanismName(common) : "per table",
                ProtectionText.Describe(dataset.ToContract()),
                policy.IsNoise ? policy.BudgetRho.ToString() : null,
                policy.IsNoise ? policy.ReleaseRho.ToString() : null),
            preview.Refused,
            shortfalls.Length > 0 ? new PrivacyBudgetExceededException(shortfalls).Message : null,
            releases.Where(r => years.Count == 0 || years.Contains(r.ReferenceYear)).ToArray(),
            directory)
        {
            Unit = dataset.Unit,
        };
    }

    private static PreviewRelease Release(
        DatasetDefinition dataset, string jurisdiction, int year, Submission? release, ReleaseOutlook? outlook, bool fixedRelease, string? refusal)
    {
        var policy = dataset.Protection;
        var tables = release?.Tables.Select(t =>
        {
            var table = dataset.FindTable(t.TableId) ?? throw new InvalidOperationException($"Table '{t.TableId}' is not in dataset '{dataset.Id}'.");
            var protection = policy.Of(table.Id);
            return new PreviewTable(
                table.Id,
                table.Title,
                table.Dimensions.Select(d => d.Id).ToArray(),
                MechanismName(protection.Mechanism),
                protection.Mechanism == ProtectionMechanismKind.DiscreteGaussian
                    ? protection.Variance.ToString()
                    : protection.CellVariance.ToString(CultureInfo.InvariantCulture),
                protection.IsNoise ? protection.Rho.ToString() : null,
                t.Cells.Select(c => new PreviewCell(c.Codes.ToArray(), c.Value)).ToArray());
        }).ToArray() ?? [];
        return new PreviewRelease(
            year,
            dataset.Id,
            jurisdiction,
            outlook is null ? "deterministic" : refusal ?? StatusName(outlook.Status),
            outlook?.Edition,
            // Under noise the release is fixed (kept in the ledger, or keyed to the counts and edition), so its id is the
            // one the run sends; random rounding stamps a new production time on each run.
            fixedRelease && release is not null ? Convert.ToHexStringLower(SHA256.HashData(release.ToByteArray())) : null,
            fixedRelease ? release?.ProducedAt?.ToDateTimeOffset() : null,
            outlook is null ? null : new PreviewBudget(outlook.SpentRho.ToString(), outlook.CostRho.ToString(), outlook.RemainingRho.ToString(), outlook.BudgetRho.ToString(), outlook.Refused),
            tables)
        {
            ReferencePeriod = dataset.YearLabel(year),
        };
    }

    private static string MechanismName(ProtectionMechanismKind mechanism) => mechanism switch
    {
        ProtectionMechanismKind.DiscreteGaussian => "discrete-gaussian",
        ProtectionMechanismKind.DiscreteLaplace => "discrete-laplace",
        ProtectionMechanismKind.RandomRounding => "random-rounding",
        var other => other.ToString(),
    };

    /// <summary>The status of a year whose release the gateway refused when last sent: the next run signs it again.</summary>
    public const string RefusedEarlier = "refused-earlier";

    /// <summary>The status of a year whose release the gateway refused for its data: not sent again until the source changes.</summary>
    public const string RefusedForData = "refused-for-its-data";

    private static string? RefusalOf(NodePreview preview, int year) =>
        preview.RefusedForData.Contains(year) ? RefusedForData : preview.RefusedEarlier.Contains(year) ? RefusedEarlier : null;

    private static string StatusName(ReleaseStatus status) => status switch
    {
        ReleaseStatus.NotDue => "not-due",
        ReleaseStatus.Unchanged => "unchanged",
        ReleaseStatus.HeldUntilNextEdition => "held-until-next-edition",
        ReleaseStatus.FirstRelease => "first-release",
        _ => "revision",
    };
}

internal sealed record PreviewRecords(int Read, int Accepted, int OutOfScope, int Quarantined);

internal sealed record PreviewProtection(string Mechanism, string Description, string? BudgetRho, string? ReleaseRho);

/// <param name="Status">
/// not-due (before its first edition: nothing sent), unchanged (re-sent as it was, spends nothing), held-until-next-edition
/// (data changed, this edition already released: re-sent as it was), refused-earlier (the gateway refused it when last
/// sent: signed again with the current key and sent, spending nothing), first-release, revision, or deterministic (random rounding).
/// </param>
/// <param name="Edition">The publication-calendar edition of the release (1 = first release); null without noise or when not due.</param>
internal sealed record PreviewRelease(
    int ReferenceYear,
    string DatasetId,
    string Jurisdiction,
    string Status,
    int? Edition,
    string? SubmissionId,
    DateTimeOffset? ProducedAt,
    PreviewBudget? Budget,
    IReadOnlyList<PreviewTable> Tables)
{
    /// <summary>The reference year as the dataset writes it: "2023", or "2023/24" for a fiscal year.</summary>
    public string ReferencePeriod { get; init; } = ReferenceYear.ToString(CultureInfo.InvariantCulture);
}

internal sealed record PreviewBudget(string SpentRho, string CostRho, string RemainingRho, string BudgetRho, bool Refused);

internal sealed record PreviewTable(
    string TableId,
    string Title,
    IReadOnlyList<string> Dimensions,
    string Mechanism,
    string Variance,
    string? Rho,
    IReadOnlyList<PreviewCell> Cells);

internal sealed record PreviewCell(IReadOnlyList<string> Codes, long Value);

/// <param name="WouldBeSent">False when the directory equals the last snapshot the gateway accepted (a run does not send it again).</param>
internal sealed record PreviewDirectory(
    bool WouldBeSent,
    int Organizations,
    int Services,
    int Locations,
    int RedactedLocations,
    int ServiceAtLocations,
    int HeldBack);
