using Federation.Sdk.Catalog;
using Federation.Sdk.Pipeline;
using Federation.Sdk.Privacy;
using Federation.Sdk.Protection;
using Federation.Sdk.Synthetic;

namespace Federation.Sdk.Adapters.Csv.Tests;

public class CsvPipelineEndToEndTests
{
    [Fact]
    public async Task Hand_written_csv_becomes_submissions_with_expected_counts()
    {
        using var file = TempCsv.With(
            TempCsv.Header + "\n" +
            "A1,\"Doe, Jane\",2004-05-17,2023-03-02,Feminine,SexualExploitation,NotIndigenous,CA,Citizen,IntimatePartner,ActualVictimOfTrafficking\n" +
            "A2,Ana Cruz,1990-11-30,2023-07-14,TransgenderFeminine,ForcedLabour;SexualExploitation,,PH,TemporaryResident,Acquainted,PossibleVictimOfTrafficking\n" +
            "A3,Lee Roy,2008-01-01,2023-09-01,Masculine,DrugRunning,FirstNations,CA,,Familial,ActualVictimOfTrafficking\n" +
            "A4,,,2022-05-05,,,,,,,PossibleVictimOfTrafficking\n" +
            "A5,Not Victim,,2023-01-01,Feminine,,,,,,NotAVictimOfTrafficking\n" +
            "A6,Bad Gender,,2023-01-01,Fem,,,,,,ActualVictimOfTrafficking\n" +
            "A7,Bad Date,2001-13-01,2023-01-01,Feminine,,,,,,ActualVictimOfTrafficking\n" +
            "A1,Again,,2023-01-01,Feminine,,,,,,ActualVictimOfTrafficking\n");
        var dataset = DatasetCatalog.Default.Get("trafficking.victims.v1");
        // Base 5 rounding would hide the counts; an identity mechanism under the same policy shows the true ones.
        var pipeline = new StatisticsPipeline(dataset, new TrueCounts(dataset.Protection), TimeProvider.System);

        var result = await pipeline.RunAsync(new CsvCaseRecordSource(file.Path), "NS", "node-ns");

        Assert.Equal((8, 4, 1, 3), (result.RecordsRead, result.RecordsAccepted, result.RecordsOutOfScope, result.Quarantined.Count));
        Assert.Equal(["line 7", "line 8", "line 9"], result.Quarantined.Select(q => q.Location[^6..]));
        Assert.Equal([2022, 2023], result.Submissions.Select(s => s.ReferenceYear));
        var y2023 = result.Submissions[1];
        long Cell(string table, params string[] codes) =>
            y2023.Tables.Single(t => t.TableId == table).Cells.Single(c => c.Codes.SequenceEqual(codes)).Value;
        Assert.Equal(3, Cell("T0"));
        Assert.Equal(1, Cell("T1", "WOMAN_GIRL", "AGE_18_24"));
        Assert.Equal(1, Cell("T1", "WOMAN_GIRL", "AGE_25_34"));
        Assert.Equal(1, Cell("T1", "MAN_BOY", "UNDER_18"));
        Assert.Equal(1, Cell("T2", "MULTIPLE", "AGE_25_34"));
        Assert.Equal(1, Cell("T2", "FORCED_CRIMINALITY", "UNDER_18"));
        Assert.Equal(1, Cell("T3", "FIRST_NATIONS", "MAN_BOY"));
        Assert.Equal(1, Cell("T3", "UNKNOWN", "WOMAN_GIRL"));
        Assert.Equal(1, Cell("T4", "FOREIGN_NATIONAL", "MULTIPLE"));
        Assert.Equal(2, Cell("T4", "CANADIAN_CITIZEN", "FORCED_CRIMINALITY") + Cell("T4", "CANADIAN_CITIZEN", "SEXUAL_EXPLOITATION"));
        Assert.Equal(1, Cell("T5", "FAMILY", "UNDER_18"));
        Assert.Equal(1, result.Submissions[0].Tables[0].Cells[0].Value);
    }

    [Fact]
    public async Task Protected_submission_from_csv_declares_the_catalogue_policy_and_passes_the_gateway_rules()
    {
        using var file = TempCsv.Empty();
        SyntheticCaseData.WriteCsv(file.Path, "NS", [2023], seed: 3);
        var dataset = DatasetCatalog.Default.Get("trafficking.victims.v1");
        var pipeline = new StatisticsPipeline(dataset, new PolicyNoise(dataset.Protection, new SeededRandomBitSource(3)), TimeProvider.System);

        var result = await pipeline.RunAsync(new CsvCaseRecordSource(file.Path), "NS", "node-ns");

        var submission = Assert.Single(result.Submissions);
        Assert.Equal(dataset.Protection.ToDeclaration(), submission.Protection);
        Assert.Empty(new Federation.Sdk.Submissions.SubmissionValidator(DatasetCatalog.Default, TimeProvider.System).Validate(submission));
    }

    private sealed class TrueCounts(ProtectionPolicy policy) : IProtectionMechanism
    {
        public ProtectionPolicy Policy => policy;

        public long Protect(CellContext cell, long trueValue) => trueValue;
    }
}
