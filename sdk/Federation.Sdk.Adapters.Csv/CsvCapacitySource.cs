using Federation.Contracts.V1;
using Federation.Sdk.ServiceDirectory;
using Federation.Sdk.Validation;

namespace Federation.Sdk.Adapters.Csv;

/// <summary>
/// Reads capacity counts from a CSV feed (service_id, capacity_id, capacity_unit, available, maximum, capacity_updated),
/// for small capacity-only updates. Rows that cannot be read are returned as quarantined with their reason.
/// </summary>
public sealed class CsvCapacitySource
{
    public static readonly IReadOnlyList<string> RequiredColumns = ["service_id", "capacity_unit", "available", "maximum", "capacity_updated"];

    private readonly string _path;
    private readonly char _delimiter;

    public CsvCapacitySource(string path, char delimiter = ',')
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = path;
        _delimiter = delimiter;
    }

    public async Task<(IReadOnlyList<SourceCapacityReading> Readings, IReadOnlyList<QuarantinedRecord> Quarantined)> ReadAsync(CancellationToken cancellationToken = default)
    {
        var readings = new List<SourceCapacityReading>();
        var quarantined = new List<QuarantinedRecord>();
        await foreach (var row in CsvTable.ReadAsync(_path, _delimiter, RequiredColumns, cancellationToken))
        {
            var problems = new List<string>();
            if (row.Error is not null)
            {
                problems.Add(row.Error);
            }

            var capacity = new ServiceCapacity
            {
                Id = row["capacity_id"] ?? "capacity",
                Available = CsvDirectorySource.Integer(row, "available", problems) ?? -1,
                Maximum = CsvDirectorySource.Integer(row, "maximum", problems) ?? 0,
                Updated = CsvDirectorySource.Time(row, "capacity_updated", problems),
            };
            if (DirectoryCodes.TryParseUnit(row["capacity_unit"], out var unit))
            {
                capacity.Unit = unit;
            }
            else
            {
                problems.Add($"capacity_unit: '{row["capacity_unit"]}' is not a unit ({string.Join(", ", DirectoryCodes.UnitNames)})");
            }

            if (problems.Count > 0)
            {
                quarantined.Add(new QuarantinedRecord(row.Location, row["service_id"], string.Join("; ", problems)));
                continue;
            }

            readings.Add(new SourceCapacityReading(row.Location, row["service_id"] ?? string.Empty, capacity));
        }

        return (readings, quarantined);
    }
}
