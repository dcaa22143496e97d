using Federation.Sdk.Catalog;

namespace Federation.Sdk.Records;

/// <summary>
/// The one place where HTCDS source values become dataset codes. Every code it can produce is checked against the
/// dataset's code lists when it is created; a source value it does not know is a problem, never silently UNKNOWN.
/// </summary>
public sealed class HtcdsCodeMapper
{
    public const string GenderDimension = "gender";
    public const string AgeGroupDimension = "age_group";
    public const string ExploitationTypeDimension = "exploitation_type";
    public const string IndigenousIdentityDimension = "indigenous_identity";
    public const string CitizenshipGroupDimension = "citizenship_group";
    public const string RecruiterRelationshipDimension = "recruiter_relationship";

    private const string Unknown = "UNKNOWN";
    private const string Multiple = "MULTIPLE";
    private const string CanadianCitizen = "CANADIAN_CITIZEN";
    private const string PermanentResident = "PERMANENT_RESIDENT";
    private const string ForeignNational = "FOREIGN_NATIONAL";
    private const string CanadaCountryCode = "CA";

    private static readonly Dictionary<string, string> s_genderValues = new()
    {
        ["Feminine"] = "WOMAN_GIRL",
        ["TransgenderFeminine"] = "WOMAN_GIRL",
        ["Masculine"] = "MAN_BOY",
        ["TransgenderMasculine"] = "MAN_BOY",
        ["NonConforming"] = "GENDER_DIVERSE",
        ["NonSpecifiedUnknown"] = Unknown,
    };

    private static readonly Dictionary<string, string> s_exploitationValues = new()
    {
        ["SexualExploitation"] = "SEXUAL_EXPLOITATION",
        ["ForcedLabour"] = "FORCED_LABOUR",
        ["ChildLabour"] = "FORCED_LABOUR",
        ["Servitude"] = "FORCED_LABOUR",
        ["ForcedBegging"] = "FORCED_LABOUR",
        ["ForcedCriminality"] = "FORCED_CRIMINALITY",
        ["DrugRunning"] = "FORCED_CRIMINALITY",
        ["ForcedMarriage"] = "FORCED_MARRIAGE",
        ["OrganRemoval"] = "ORGAN_REMOVAL",
        ["ForcedMilitaryByNonStateActors"] = "OTHER",
        ["ForcedAdoption"] = "OTHER",
        ["Surrogacy"] = "OTHER",
        ["Other"] = "OTHER",
    };

    private static readonly Dictionary<string, string> s_indigenousIdentityValues = new()
    {
        ["FirstNations"] = "FIRST_NATIONS",
        ["Metis"] = "METIS",
        ["Inuit"] = "INUIT",
        ["IndigenousNotSpecified"] = "INDIGENOUS_NOT_SPECIFIED",
        ["NotIndigenous"] = "NOT_INDIGENOUS",
        ["Unknown"] = Unknown,
    };

    private static readonly Dictionary<string, string> s_relationshipValues = new()
    {
        ["IntimatePartner"] = "INTIMATE_PARTNER",
        ["Familial"] = "FAMILY",
        ["Acquainted"] = "FRIEND_ACQUAINTANCE",
        ["Unaquainted"] = "STRANGER",
        ["Other"] = "OTHER",
    };

    // Whether the status makes the person a permanent resident; the citizenship rule needs nothing finer.
    private static readonly HtcdsPicklist<bool> s_residenceStatus = new(nameof(CaseRecord.ResidenceStatus), new Dictionary<string, bool>
    {
        ["Citizen"] = false,
        ["PermanentResident"] = true,
        ["TemporaryResident"] = false,
        ["ProtectedPerson"] = false,
        ["RefugeeClaimant"] = false,
        ["NoStatus"] = false,
        ["Unknown"] = false,
    });

    // Whether the person is in scope (a possible or actual victim).
    private static readonly HtcdsPicklist<bool> s_traffickingStatus = new(nameof(CaseRecord.TraffickingStatus), new Dictionary<string, bool>
    {
        ["PossibleVictimOfTrafficking"] = true,
        ["ActualVictimOfTrafficking"] = true,
        ["NotAVictimOfTrafficking"] = false,
    });

    private static readonly (int BelowAge, string Code)[] s_ageGroups =
    [
        (18, "UNDER_18"),
        (25, "AGE_18_24"),
        (35, "AGE_25_34"),
        (int.MaxValue, "AGE_35_PLUS"),
    ];

    private readonly HtcdsPicklist<string> _gender;
    private readonly HtcdsPicklist<string> _exploitation;
    private readonly HtcdsPicklist<string> _indigenousIdentity;
    private readonly HtcdsPicklist<string> _relationship;

    /// <summary>Checks that <paramref name="dataset"/> has every dimension and code this mapping produces.</summary>
    public HtcdsCodeMapper(DatasetDefinition dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        _gender = Picklist(dataset, GenderDimension, nameof(CaseRecord.Gender), s_genderValues);
        _exploitation = Picklist(dataset, ExploitationTypeDimension, nameof(CaseRecord.TypesOfExploitation), s_exploitationValues, Multiple, Unknown);
        _indigenousIdentity = Picklist(dataset, IndigenousIdentityDimension, nameof(CaseRecord.IndigenousIdentity), s_indigenousIdentityValues);
        _relationship = Picklist(dataset, RecruiterRelationshipDimension, nameof(CaseRecord.RelationshipToTrafficker), s_relationshipValues, Unknown);
        RequireCodes(dataset, AgeGroupDimension, s_ageGroups.Select(g => g.Code).Append(Unknown));
        RequireCodes(dataset, CitizenshipGroupDimension, [CanadianCitizen, PermanentResident, ForeignNational, Unknown]);
    }

    /// <summary>The dimensions every mapping gives a code for.</summary>
    public static IReadOnlyList<string> DimensionIds { get; } =
    [
        GenderDimension,
        AgeGroupDimension,
        ExploitationTypeDimension,
        IndigenousIdentityDimension,
        CitizenshipGroupDimension,
        RecruiterRelationshipDimension,
    ];

    /// <summary>
    /// Derives every dimension's code. <paramref name="ageWhenIdentified"/> is the person's age in whole years on the
    /// identification date, or null when the birth date is not known.
    /// </summary>
    public CodeMapping Map(CaseRecord record, int? ageWhenIdentified)
    {
        ArgumentNullException.ThrowIfNull(record);
        var problems = new List<string>();
        var codes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [GenderDimension] = MapSingle(_gender, record.Gender, Unknown, problems),
            [AgeGroupDimension] = AgeGroupOf(ageWhenIdentified),
            [ExploitationTypeDimension] = MapExploitation(record.TypesOfExploitation, problems),
            [IndigenousIdentityDimension] = MapSingle(_indigenousIdentity, record.IndigenousIdentity, Unknown, problems),
            [CitizenshipGroupDimension] = MapCitizenship(record.Citizenship, record.ResidenceStatus, problems),
            [RecruiterRelationshipDimension] = MapSingle(_relationship, record.RelationshipToTrafficker, Unknown, problems),
        };
        return new CodeMapping(codes, problems);
    }

    /// <summary>
    /// Whether the record is in scope: true for a possible or actual victim, false for NotAVictimOfTrafficking,
    /// null with a <paramref name="problem"/> when the status is missing or unknown.
    /// </summary>
    public static bool? IsVictim(string? traffickingStatus, out string? problem)
    {
        if (string.IsNullOrWhiteSpace(traffickingStatus))
        {
            problem = $"{s_traffickingStatus.Field} is missing";
            return null;
        }

        return s_traffickingStatus.TryMap(traffickingStatus, out var isVictim, out problem) ? isVictim : null;
    }

    private static string AgeGroupOf(int? age) =>
        age is { } years ? s_ageGroups.First(g => years < g.BelowAge).Code : Unknown;

    private static string MapSingle(HtcdsPicklist<string> picklist, string? value, string blankCode, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return blankCode;
        }

        if (picklist.TryMap(value, out var code, out var problem))
        {
            return code;
        }

        problems.Add(problem!);
        return Unknown;
    }

    private string MapExploitation(IReadOnlyList<string> values, List<string> problems)
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values.Where(v => !string.IsNullOrWhiteSpace(v)))
        {
            if (_exploitation.TryMap(value, out var code, out var problem))
            {
                codes.Add(code);
            }
            else
            {
                problems.Add(problem!);
            }
        }

        return codes.Count switch
        {
            0 => Unknown,
            1 => codes.Single(),
            _ => Multiple,
        };
    }

    private static string MapCitizenship(IReadOnlyList<string> countries, string? residenceStatus, List<string> problems)
    {
        var listed = countries.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c.Trim()).ToArray();
        if (listed.Any(c => !IsAlpha2(c)))
        {
            problems.Add($"{nameof(CaseRecord.Citizenship)} has a value that is not an ISO 3166 alpha-2 country code");
        }

        var isPermanentResident = false;
        if (!string.IsNullOrWhiteSpace(residenceStatus) && !s_residenceStatus.TryMap(residenceStatus, out isPermanentResident, out var problem))
        {
            problems.Add(problem!);
        }

        if (listed.Contains(CanadaCountryCode, StringComparer.OrdinalIgnoreCase))
        {
            return CanadianCitizen;
        }

        if (isPermanentResident)
        {
            return PermanentResident;
        }

        return listed.Length > 0 ? ForeignNational : Unknown;
    }

    private static bool IsAlpha2(string code) => code.Length == 2 && char.IsAsciiLetter(code[0]) && char.IsAsciiLetter(code[1]);

    private static HtcdsPicklist<string> Picklist(
        DatasetDefinition dataset, string dimensionId, string field, Dictionary<string, string> values, params string[] otherCodes)
    {
        RequireCodes(dataset, dimensionId, values.Values.Concat(otherCodes));
        return new HtcdsPicklist<string>(field, values);
    }

    private static void RequireCodes(DatasetDefinition dataset, string dimensionId, IEnumerable<string> codes)
    {
        var dimension = dataset.FindDimension(dimensionId)
            ?? throw new ArgumentException($"Dataset '{dataset.Id}' has no dimension '{dimensionId}' to map HTCDS records to.", nameof(dataset));
        var missing = codes.Distinct(StringComparer.Ordinal).Where(c => !dimension.Contains(c)).ToArray();
        if (missing.Length > 0)
        {
            throw new ArgumentException(
                $"Dataset '{dataset.Id}' dimension '{dimensionId}' lacks the code(s) {string.Join(", ", missing)}.", nameof(dataset));
        }
    }
}
