namespace Federation.Sdk.Synthetic;

/// <summary>
/// Draws synthetic victims with the published profile: mostly women and girls, mostly 18-24, about one third
/// trafficked by an intimate partner, mostly sexual exploitation, Indigenous over-represented in the Prairies.
/// </summary>
internal sealed class SyntheticCaseSampler
{
    private static readonly string[] s_firstNames =
    [
        "Amelia", "Chloe", "Emma", "Fatima", "Grace", "Isabelle", "Jasmine", "Kaya", "Léa", "Maria", "Nadia", "Olivia",
        "Priya", "Sophie", "Tanya", "Zoé", "Daniel", "Lucas", "Noah", "Sam",
    ];

    private static readonly string[] s_lastNames =
    [
        "Bear", "Brown", "Chen", "Cote", "D'Souza", "Gagnon", "Lavoie", "MacDonald", "Martin", "Nguyen", "O'Brien",
        "Patel", "Roy", "Santos", "Singh", "Smith", "Thomas", "Tremblay", "Wilson",
    ];

    private static readonly string[] s_foreignCountries = ["PH", "MX", "IN", "CN", "UA", "VN", "NG", "HT"];

    private static readonly HashSet<string> s_prairies = new(["AB", "MB", "SK"], StringComparer.Ordinal);
    private static readonly HashSet<string> s_territories = new(["NT", "NU", "YT"], StringComparer.Ordinal);

    private readonly Random _random;
    private readonly string _jurisdiction;

    public SyntheticCaseSampler(Random random, string jurisdiction)
    {
        _random = random;
        _jurisdiction = jurisdiction;
    }

    public SyntheticCase Next(string caseId, int year, bool isVictim)
    {
        var identified = new DateOnly(year, 1, 1).AddDays(_random.Next(DateTime.IsLeapYear(year) ? 366 : 365));
        var exploitation = ExploitationTypes();
        var citizenship = Citizenship(isForcedLabour: exploitation.Contains("Labour", StringComparison.Ordinal));
        return new SyntheticCase(
            caseId,
            PersonName(),
            BirthDate(identified),
            identified,
            Gender(),
            exploitation,
            IndigenousIdentity(),
            citizenship.Countries,
            citizenship.ResidenceStatus,
            Relationship(),
            isVictim
                ? WeightedChoice.Pick(_random, ("ActualVictimOfTrafficking", 0.7), ("PossibleVictimOfTrafficking", 0.3))
                : "NotAVictimOfTrafficking");
    }

    private string PersonName()
    {
        var first = s_firstNames[_random.Next(s_firstNames.Length)];
        var last = s_lastNames[_random.Next(s_lastNames.Length)];
        // Some exports write "Last, First": a delimiter inside a field, which must be quoted.
        return _random.Next(4) == 0 ? $"{last}, {first}" : $"{first} {last}";
    }

    private DateOnly? BirthDate(DateOnly identified)
    {
        int? age = WeightedChoice.Pick<int?>(
            _random,
            (_random.Next(12, 18), 0.24),
            (_random.Next(18, 25), 0.43),
            (_random.Next(25, 35), 0.22),
            (_random.Next(35, 61), 0.10),
            (null, 0.01));
        // Born between one day and one year before the birthday that makes them that age on the identification date.
        return age is { } years ? identified.AddYears(-years - 1).AddDays(_random.Next(1, 365)) : null;
    }

    private string Gender() => WeightedChoice.Pick(
        _random,
        ("Feminine", 0.94),
        ("TransgenderFeminine", 0.01),
        ("Masculine", 0.035),
        ("TransgenderMasculine", 0.002),
        ("NonConforming", 0.005),
        ("NonSpecifiedUnknown", 0.004),
        (string.Empty, 0.004));

    private string ExploitationTypes() => WeightedChoice.Pick(
        _random,
        ("SexualExploitation", 0.85),
        ("ForcedLabour", 0.05),
        ("Servitude", 0.01),
        ("SexualExploitation;ForcedLabour", 0.03),
        ("DrugRunning", 0.02),
        ("ForcedMarriage", 0.01),
        ("Other", 0.01),
        (string.Empty, 0.02));

    private string IndigenousIdentity()
    {
        var indigenousShare = s_territories.Contains(_jurisdiction) ? 0.6 : s_prairies.Contains(_jurisdiction) ? 0.35 : 0.08;
        var inuitShare = _jurisdiction == "NU" ? 0.9 : s_territories.Contains(_jurisdiction) ? 0.2 : 0.02;
        if (_random.NextDouble() < indigenousShare)
        {
            return WeightedChoice.Pick(
                _random,
                ("Inuit", inuitShare),
                ("FirstNations", (1 - inuitShare) * 0.7),
                ("Metis", (1 - inuitShare) * 0.25),
                ("IndigenousNotSpecified", (1 - inuitShare) * 0.05));
        }

        return WeightedChoice.Pick(_random, ("NotIndigenous", 0.85), ("Unknown", 0.05), (string.Empty, 0.10));
    }

    private (string Countries, string ResidenceStatus) Citizenship(bool isForcedLabour)
    {
        var foreign = s_foreignCountries[_random.Next(s_foreignCountries.Length)];
        // Foreign nationals (IRPA cases) are far more common among forced-labour victims.
        var foreignShare = isForcedLabour ? 0.5 : 0.06;
        return WeightedChoice.Pick(
            _random,
            (("CA", "Citizen"), 0.90 - foreignShare),
            (($"{foreign};CA", "Citizen"), 0.01),
            ((foreign, "PermanentResident"), 0.04),
            ((foreign, WeightedChoice.Pick(_random, ("TemporaryResident", 0.6), ("RefugeeClaimant", 0.2), ("NoStatus", 0.2))), foreignShare),
            ((string.Empty, string.Empty), 0.02));
    }

    private string Relationship() => WeightedChoice.Pick(
        _random,
        ("IntimatePartner", 0.33),
        ("Acquainted", 0.47),
        ("Familial", 0.10),
        ("Unaquainted", 0.07),
        ("Other", 0.01),
        (string.Empty, 0.02));
}
