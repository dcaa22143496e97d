namespace Federation.Sdk.Records;

/// <summary>
/// Where an adapter finds each case-record field in a table (a CSV header, a query's result): the column names,
/// matched case-insensitively. The defaults are the CSV adapter's documented header.
/// </summary>
public sealed class CaseColumnNames
{
    public string CaseId { get; set; } = "case_id";

    /// <summary>Optional column; identifying, read but never used to derive a code.</summary>
    public string PersonName { get; set; } = "person_name";

    /// <summary>Optional column: the person's identifier in the source; bounds each person to one record per year.</summary>
    public string PersonKey { get; set; } = "person_key";

    public string BirthDate { get; set; } = "birth_date";

    public string IdentificationDate { get; set; } = "identification_date";

    public string Gender { get; set; } = "gender";

    public string ExploitationTypes { get; set; } = "exploitation_types";

    public string IndigenousIdentity { get; set; } = "indigenous_identity";

    public string Citizenship { get; set; } = "citizenship";

    public string ResidenceStatus { get; set; } = "residence_status";

    public string RelationshipToTrafficker { get; set; } = "relationship_to_trafficker";

    public string TraffickingStatus { get; set; } = "trafficking_status";

    /// <summary>Problems of the mapping, each starting with its option key ("columns.caseId: must name a column.").</summary>
    public IReadOnlyList<string> Problems(string optionKey = "columns") =>
        typeof(CaseColumnNames).GetProperties()
            .Where(column => string.IsNullOrWhiteSpace((string?)column.GetValue(this)))
            .Select(column => $"{optionKey}.{Hosting.NodeAdapterOptions.OptionKey(column.Name)}: must name a column.")
            .ToArray();
}
