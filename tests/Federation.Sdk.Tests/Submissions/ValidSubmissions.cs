using Federation.Contracts.V1;
using Federation.Sdk.Catalog;
using Google.Protobuf.WellKnownTypes;

namespace Federation.Sdk.Tests.Submissions;

/// <summary>Builds a complete, valid submission of a catalogue dataset, for tests to break one rule at a time.</summary>
internal static class ValidSubmissions
{
    public static Submission For(DatasetDefinition dataset, string jurisdiction, int referenceYear, DateTimeOffset producedAt)
    {
        var submission = new Submission
        {
            DatasetId = dataset.Id,
            Jurisdiction = jurisdiction,
            ReferenceYear = referenceYear,
            ProducedAt = Timestamp.FromDateTimeOffset(producedAt),
            NodeId = $"node-{jurisdiction.ToLowerInvariant()}",
            Protection = dataset.Protection.ToDeclaration(),
        };
        var value = 0L;
        foreach (var table in dataset.Tables)
        {
            var release = new TableRelease { TableId = table.Id };
            foreach (var codes in table.EnumerateCells())
            {
                var cell = new Cell { Value = value };
                cell.Codes.AddRange(codes);
                release.Cells.Add(cell);
                // Values the policy allows: multiples of the rounding base, or any small integers under noise.
                var step = Math.Max(1, dataset.Protection.Of(table.Id).RoundingBase);
                value = (value + step) % (10L * step);
            }

            submission.Tables.Add(release);
        }

        return submission;
    }

    public static int IndexOfTable(Submission submission, string tableId)
    {
        for (var i = 0; i < submission.Tables.Count; i++)
        {
            if (submission.Tables[i].TableId == tableId)
            {
                return i;
            }
        }

        throw new ArgumentException($"No table {tableId}.", nameof(tableId));
    }
}
