using Federation.Sdk.Records;

namespace Federation.Sdk.Tests.Records;

/// <summary>Valid case records to vary in tests.</summary>
internal static class Cases
{
    public static CaseRecord Victim(string caseId = "C-1") => new()
    {
        CaseId = caseId,
        PersonName = "Jane Doe",
        BirthDate = new DateOnly(2000, 6, 15),
        IdentificationDate = new DateOnly(2023, 3, 1),
        Gender = "Feminine",
        TypesOfExploitation = ["SexualExploitation"],
        IndigenousIdentity = "NotIndigenous",
        Citizenship = ["CA"],
        ResidenceStatus = "Citizen",
        RelationshipToTrafficker = "IntimatePartner",
        TraffickingStatus = "ActualVictimOfTrafficking",
    };
}
