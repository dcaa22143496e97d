using System.Globalization;

namespace Federation.Sdk.Synthetic;

/// <summary>
/// One synthetic case, with its fields as a case export holds them: codes in the CSV adapter's vocabulary, list
/// fields separated by ';', blank text for "not recorded". <see cref="Fields"/> gives the text of a CSV row.
/// </summary>
public sealed record SyntheticCase(
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

    /// <summary>
    /// Replaces the identification date with raw text, to write rows that are unreadable or lack the date: empty
    /// means not recorded (a database writes NULL), other text is a malformed date written as it is.
    /// </summary>
    public string? IdentificationDateText { get; init; }

    /// <summary>The identification date a typed store writes: null when <see cref="IdentificationDateText"/> replaces it.</summary>
    public DateOnly? RecordedIdentificationDate => IdentificationDateText is null ? IdentificationDate : null;

    /// <summary>The fields as text in <see cref="Columns"/> order (dates yyyy-MM-dd); blank means not recorded.</summary>
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
