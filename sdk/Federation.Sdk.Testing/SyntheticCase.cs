using System.Globalization;

namespace Federation.Sdk.Testing;

/// <summary>One synthetic case as the fields of a CSV row, in <see cref="Columns"/> order.</summary>
internal sealed record SyntheticCase(
    string CaseId,
    string PersonName,
    DateOnly? BirthDate,
    DateOnly IdentificationDate,
    string Gender,
    string ExploitationTypes,
    string IndigenousIdentity,
    string Citizenship,
    string ResidenceStatus,
    string RelationshipToTrafficker,
    string TraffickingStatus)
{
    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>The CSV adapter's default column names.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "case_id", "person_name", "birth_date", "identification_date", "gender", "exploitation_types",
        "indigenous_identity", "citizenship", "residence_status", "relationship_to_trafficker", "trafficking_status",
    ];

    /// <summary>Replaces the identification date with raw text, to write rows that are unreadable or lack the date.</summary>
    public string? IdentificationDateText { get; init; }

    public IReadOnlyList<string> Fields() =>
    [
        CaseId,
        PersonName,
        BirthDate?.ToString(DateFormat, CultureInfo.InvariantCulture) ?? string.Empty,
        IdentificationDateText ?? IdentificationDate.ToString(DateFormat, CultureInfo.InvariantCulture),
        Gender,
        ExploitationTypes,
        IndigenousIdentity,
        Citizenship,
        ResidenceStatus,
        RelationshipToTrafficker,
        TraffickingStatus,
    ];
}
