namespace Federation.Sdk.Records;

/// <summary>
/// A source case record as read from a provincial system, in the vocabulary of the Human Trafficking Case Data Standard (HTCDS v2).
/// </summary>
/// <remarks>
/// Coded fields hold the source's own values (for example "TransgenderFeminine") so that a value the SDK does not know
/// can be quarantined with its name instead of being guessed. Identifying fields (name, birth date) are read only to
/// derive codes; nothing identifying can reach a submission.
/// </remarks>
public sealed record CaseRecord
{
    /// <summary>The source system's case identifier; unique within one source.</summary>
    public required string CaseId { get; init; }

    /// <summary>Identifying; never used to derive a code and never released.</summary>
    public string? PersonName { get; init; }

    /// <summary>
    /// The source's identifier of the person (optional; identifying, never released). When present, the node counts each
    /// person at most once per reference year (<see cref="Privacy.PersonYearBound"/>), so the unit of privacy is a person.
    /// </summary>
    public string? PersonKey { get; init; }

    /// <summary>HTCDS prs_Birthdate; used only to derive the age group when identified.</summary>
    public DateOnly? BirthDate { get; init; }

    /// <summary>The date the person was identified as a (possible) victim; its calendar year is the reference year.</summary>
    public DateOnly? IdentificationDate { get; init; }

    /// <summary>HTCDS prs_Gender value, for example "Feminine"; blank when not recorded.</summary>
    public string? Gender { get; init; }

    /// <summary>HTCDS vic_TypeOfExploitation values, plus "ForcedCriminality" and "DrugRunning" which HTCDS lacks.</summary>
    public IReadOnlyList<string> TypesOfExploitation { get; init; } = [];

    /// <summary>FirstNations, Metis, Inuit, IndigenousNotSpecified, NotIndigenous or Unknown; blank when not recorded.</summary>
    public string? IndigenousIdentity { get; init; }

    /// <summary>HTCDS prs_Citizenship: ISO 3166 alpha-2 country codes.</summary>
    public IReadOnlyList<string> Citizenship { get; init; } = [];

    /// <summary>Immigration status in Canada, for example "PermanentResident".</summary>
    public string? ResidenceStatus { get; init; }

    /// <summary>HTCDS vic_RelationshipToTrafficker (Familial, Acquainted, Unaquainted), plus IntimatePartner and Other.</summary>
    public string? RelationshipToTrafficker { get; init; }

    /// <summary>HTCDS vic_TraffickingStatus: PossibleVictimOfTrafficking, ActualVictimOfTrafficking or NotAVictimOfTrafficking.</summary>
    public string? TraffickingStatus { get; init; }
}
