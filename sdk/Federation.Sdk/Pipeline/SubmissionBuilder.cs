using Federation.Contracts.V1;
using Federation.Sdk.Aggregation;
using Federation.Sdk.Catalog;
using Federation.Sdk.Protection;
using Google.Protobuf.WellKnownTypes;

namespace Federation.Sdk.Pipeline;

/// <summary>Protects a year's true counts cell by cell and puts them in a (not yet signed) submission.</summary>
public sealed class SubmissionBuilder : IReleaseMaker
{
    private readonly DatasetDefinition _dataset;
    private readonly IProtectionMechanism _protection;

    public SubmissionBuilder(DatasetDefinition dataset, IProtectionMechanism protection)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(protection);
        if (protection.Policy != dataset.Protection)
        {
            throw new ArgumentException(
                $"The protection mechanism implements {protection.Policy}, but dataset '{dataset.Id}' requires {dataset.Protection}.",
                nameof(protection));
        }

        _dataset = dataset;
        _protection = protection;
    }

    public IReadOnlyList<Submission> Make(IReadOnlyList<YearCounts> years, string jurisdiction, string nodeId, DateTimeOffset producedAt) =>
        years.Select(year => Build(year, jurisdiction, nodeId, producedAt)).ToArray();

    public Submission Build(YearCounts counts, string jurisdiction, string nodeId, DateTimeOffset producedAt)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var submission = new Submission
        {
            DatasetId = _dataset.Id,
            Jurisdiction = jurisdiction,
            ReferenceYear = counts.ReferenceYear,
            ProducedAt = Timestamp.FromDateTimeOffset(producedAt),
            NodeId = nodeId,
            Protection = _protection.Policy.ToDeclaration(),
        };
        foreach (var table in counts.Tables)
        {
            var release = new TableRelease { TableId = table.Table.Id };
            foreach (var cell in table.Cells)
            {
                var context = new CellContext(_dataset.Id, jurisdiction, counts.ReferenceYear, table.Table.Id, cell.Codes);
                var released = new Cell { Value = _protection.Protect(context, cell.Value) };
                released.Codes.AddRange(cell.Codes);
                release.Cells.Add(released);
            }

            submission.Tables.Add(release);
        }

        return submission;
    }
}
