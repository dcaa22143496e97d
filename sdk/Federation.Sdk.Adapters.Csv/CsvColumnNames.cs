namespace Federation.Sdk.Adapters.Csv;

/// <summary>The header names of the CSV columns; the defaults are documented in README.md. Matched case-insensitively.</summary>
public sealed class CsvColumnNames
{
    public string CaseId { get; set; } = "case_id";

    /// <summary>Optional column; identifying, read but never used to derive a code.</summary>
    public string PersonName { get; set; } = "person_name";

    public string BirthDate { get; set; } = "birth_date";

    public string IdentificationDate { get; set; } = "identification_date";

    public string Gender { get; set; } = "gender";

    public string ExploitationTypes { get; set; } = "exploitation_types";

    public string IndigenousIdentity { get; set; } = "indigenous_identity";

    public string Citizenship { get; set; } = "citizenship";

    public string ResidenceStatus { get; set; } = "residence_status";

    public string RelationshipToTrafficker { get; set; } = "relationship_to_trafficker";

    public string TraffickingStatus { get; set; } = "trafficking_status";
}
