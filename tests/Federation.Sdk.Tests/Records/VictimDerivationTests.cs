using Federation.Sdk.Catalog;
using Federation.Sdk.Records;

namespace Federation.Sdk.Tests.Records;

/// <summary>The victims dataset's derivations, declared in its catalogue entry, applied to HTCDS case records.</summary>
public class VictimDerivationTests
{
    private static string Code(CaseRecord record, string dimension, int? age = 22)
    {
        var mapping = VictimCodes.Map(record, age);
        Assert.Empty(mapping.Problems);
        return mapping.Codes[dimension];
    }

    private static string Gender(string? value) => Code(Cases.Victim() with { Gender = value }, "gender");

    private static string Exploitation(params string[] values) =>
        Code(Cases.Victim() with { TypesOfExploitation = values }, "exploitation_type");

    [Theory]
    [InlineData("Feminine", "WOMAN_GIRL")]
    [InlineData("Masculine", "MAN_BOY")]
    [InlineData("TransgenderMasculine", "MAN_BOY")]
    [InlineData("NonConforming", "GENDER_DIVERSE")]
    [InlineData("NonSpecifiedUnknown", "UNKNOWN")]
    [InlineData(null, "UNKNOWN")]
    [InlineData("  ", "UNKNOWN")]
    public void Gender_maps_to_its_dataset_code(string? value, string code) => Assert.Equal(code, Gender(value));

    [Fact]
    public void Transgender_feminine_maps_to_woman_girl() => Assert.Equal("WOMAN_GIRL", Gender("TransgenderFeminine"));

    [Fact]
    public void Htcds_values_match_case_insensitively() => Assert.Equal("WOMAN_GIRL", Gender("transgenderFEMININE"));

    [Theory]
    [InlineData("SexualExploitation", "SEXUAL_EXPLOITATION")]
    [InlineData("ForcedLabour", "FORCED_LABOUR")]
    [InlineData("ChildLabour", "FORCED_LABOUR")]
    [InlineData("Servitude", "FORCED_LABOUR")]
    [InlineData("ForcedBegging", "FORCED_LABOUR")]
    [InlineData("ForcedCriminality", "FORCED_CRIMINALITY")]
    [InlineData("DrugRunning", "FORCED_CRIMINALITY")]
    [InlineData("ForcedMarriage", "FORCED_MARRIAGE")]
    [InlineData("OrganRemoval", "ORGAN_REMOVAL")]
    [InlineData("ForcedMilitaryByNonStateActors", "OTHER")]
    [InlineData("ForcedAdoption", "OTHER")]
    [InlineData("Surrogacy", "OTHER")]
    [InlineData("Other", "OTHER")]
    public void Exploitation_type_maps_to_its_dataset_code(string value, string code) => Assert.Equal(code, Exploitation(value));

    [Fact]
    public void Two_distinct_exploitation_codes_map_to_multiple() =>
        Assert.Equal("MULTIPLE", Exploitation("SexualExploitation", "ForcedLabour"));

    [Fact]
    public void Exploitation_values_sharing_one_code_are_not_multiple() =>
        Assert.Equal("FORCED_LABOUR", Exploitation("ForcedLabour", "ChildLabour", "Servitude"));

    [Fact]
    public void No_exploitation_type_maps_to_unknown() => Assert.Equal("UNKNOWN", Exploitation());

    [Theory]
    [InlineData("FirstNations", "FIRST_NATIONS")]
    [InlineData("Metis", "METIS")]
    [InlineData("Inuit", "INUIT")]
    [InlineData("IndigenousNotSpecified", "INDIGENOUS_NOT_SPECIFIED")]
    [InlineData("NotIndigenous", "NOT_INDIGENOUS")]
    [InlineData("Unknown", "UNKNOWN")]
    [InlineData(null, "UNKNOWN")]
    public void Indigenous_identity_maps_to_its_dataset_code(string? value, string code) =>
        Assert.Equal(code, Code(Cases.Victim() with { IndigenousIdentity = value }, "indigenous_identity"));

    [Theory]
    [InlineData("CA", "Citizen", "CANADIAN_CITIZEN")]
    [InlineData("PH;CA", "PermanentResident", "CANADIAN_CITIZEN")]
    [InlineData("ca", "", "CANADIAN_CITIZEN")]
    [InlineData("PH", "PermanentResident", "PERMANENT_RESIDENT")]
    [InlineData("", "PermanentResident", "PERMANENT_RESIDENT")]
    [InlineData("MX", "TemporaryResident", "FOREIGN_NATIONAL")]
    [InlineData("MX", "", "FOREIGN_NATIONAL")]
    [InlineData("", "", "UNKNOWN")]
    public void Citizenship_maps_to_its_dataset_code(string countries, string residence, string code) =>
        Assert.Equal(code, Code(
            Cases.Victim() with { Citizenship = countries.Split(';', StringSplitOptions.RemoveEmptyEntries), ResidenceStatus = residence },
            "citizenship_group"));

    [Theory]
    [InlineData("IntimatePartner", "INTIMATE_PARTNER")]
    [InlineData("Familial", "FAMILY")]
    [InlineData("Acquainted", "FRIEND_ACQUAINTANCE")]
    [InlineData("Unaquainted", "STRANGER")]
    [InlineData("Other", "OTHER")]
    [InlineData(null, "UNKNOWN")]
    public void Relationship_to_trafficker_maps_to_its_dataset_code(string? value, string code) =>
        Assert.Equal(code, Code(Cases.Victim() with { RelationshipToTrafficker = value }, "recruiter_relationship"));

    [Theory]
    [InlineData(0, "UNDER_18")]
    [InlineData(17, "UNDER_18")]
    [InlineData(18, "AGE_18_24")]
    [InlineData(24, "AGE_18_24")]
    [InlineData(25, "AGE_25_34")]
    [InlineData(34, "AGE_25_34")]
    [InlineData(35, "AGE_35_PLUS")]
    [InlineData(120, "AGE_35_PLUS")]
    [InlineData(null, "UNKNOWN")]
    public void Age_when_identified_maps_to_its_group(int? age, string code) =>
        Assert.Equal(code, Code(Cases.Victim(), "age_group", age));

    [Theory]
    [InlineData(nameof(CaseRecord.Gender), "Fille")]
    [InlineData(nameof(CaseRecord.IndigenousIdentity), "Metisse")]
    [InlineData(nameof(CaseRecord.RelationshipToTrafficker), "Unacquainted")]
    [InlineData(nameof(CaseRecord.ResidenceStatus), "Tourist")]
    [InlineData(nameof(CaseRecord.TypesOfExploitation), "Smuggling")]
    [InlineData(nameof(CaseRecord.Citizenship), "CAN")]
    public void Unknown_source_value_is_a_problem_naming_the_field_never_the_value(string field, string value)
    {
        var record = field switch
        {
            nameof(CaseRecord.Gender) => Cases.Victim() with { Gender = value },
            nameof(CaseRecord.IndigenousIdentity) => Cases.Victim() with { IndigenousIdentity = value },
            nameof(CaseRecord.RelationshipToTrafficker) => Cases.Victim() with { RelationshipToTrafficker = value },
            nameof(CaseRecord.ResidenceStatus) => Cases.Victim() with { ResidenceStatus = value },
            nameof(CaseRecord.TypesOfExploitation) => Cases.Victim() with { TypesOfExploitation = ["SexualExploitation", value] },
            _ => Cases.Victim() with { Citizenship = [value] },
        };

        var mapping = VictimCodes.Map(record, 22);

        var problem = Assert.Single(mapping.Problems);
        Assert.StartsWith(field + " ", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(value, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_dimension_gets_a_code_of_its_code_list()
    {
        var codes = VictimCodes.Map(Cases.Victim(), 22).Codes;

        Assert.Equal(VictimCodes.Dataset.Dimensions.Select(d => d.Id).Order(), codes.Keys.Order());
        Assert.All(codes, c => Assert.True(VictimCodes.Dataset.FindDimension(c.Key)!.Contains(c.Value)));
    }

    [Fact]
    public void A_catalogue_entry_whose_derivation_gives_a_code_its_dimension_lacks_is_refused()
    {
        using var stream = typeof(DatasetCatalog).Assembly.GetManifestResourceStream("Federation.Sdk.Catalog.Datasets.trafficking.victims.v1.json")!;
        var json = new StreamReader(stream).ReadToEnd().Replace("{ \"code\": \"MAN_BOY\", \"label\": \"Man or boy\" },", string.Empty, StringComparison.Ordinal);

        var error = Assert.Throws<InvalidDataException>(() => DatasetDocument.Parse(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)), "narrowed.json"));

        Assert.Contains("gives code 'MAN_BOY', which is not a code of dimension 'gender'", error.Message, StringComparison.Ordinal);
    }
}
