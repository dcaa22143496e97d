namespace Federation.Sdk.Synthetic;

/// <summary>
/// A synthetic service directory of one jurisdiction as rows of a directory export (<see cref="SyntheticDirectoryRow"/>),
/// and the organizations, services, locations and services at locations a source of it must give, by id.
/// </summary>
public sealed class SyntheticDirectory
{
    public SyntheticDirectory(string jurisdiction, IEnumerable<SyntheticDirectoryRow> rows)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jurisdiction);
        ArgumentNullException.ThrowIfNull(rows);
        Jurisdiction = jurisdiction;
        Rows = [.. rows];
    }

    public string Jurisdiction { get; }

    /// <summary>The export's rows, in order: one per service at a location.</summary>
    public IReadOnlyList<SyntheticDirectoryRow> Rows { get; }

    /// <summary>Distinct organization ids, in order of first appearance.</summary>
    public IReadOnlyList<string> OrganizationIds => Distinct(r => r.OrganizationId);

    /// <summary>Distinct service ids, in order of first appearance.</summary>
    public IReadOnlyList<string> ServiceIds => Distinct(r => r.ServiceId);

    /// <summary>Distinct location ids, in order of first appearance; a location shared by services (a help line's) counts once.</summary>
    public IReadOnlyList<string> LocationIds => Distinct(r => r.LocationId);

    /// <summary>Distinct "{service_id}@{location_id}" link ids, in order of first appearance.</summary>
    public IReadOnlyList<string> ServiceAtLocationIds => Distinct(r => r.ServiceAtLocationId);

    /// <summary>The same directory with more rows after these.</summary>
    public SyntheticDirectory With(IEnumerable<SyntheticDirectoryRow> more) => new(Jurisdiction, Rows.Concat(more));

    /// <summary>Writes the rows as a directory export in the CSV directory adapter's format (header, CRLF, RFC 4180 quoting).</summary>
    public void WriteCsv(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var writer = CsvText.Create(path);
        CsvText.WriteLine(writer, SyntheticDirectoryData.DirectoryColumns);
        foreach (var row in Rows)
        {
            CsvText.WriteLine(writer, row.Fields());
        }
    }

    private string[] Distinct(Func<SyntheticDirectoryRow, string> id) => [.. Rows.Select(id).Distinct(StringComparer.Ordinal)];
}
