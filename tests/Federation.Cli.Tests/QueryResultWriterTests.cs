using Federation.Cli.Output;
using Federation.Contracts.V1;

namespace Federation.Cli.Tests;

public sealed class QueryResultWriterTests
{
    private static QueryResponse Response() => new()
    {
        DatasetId = "trafficking.victims.v1",
        TableId = "T1",
        TreeSize = 40,
        RootHash = Google.Protobuf.ByteString.CopyFrom(new byte[32]),
        LogKeyId = "0a1b2c3d",
        ComputedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 12, 3, 16, 0, 0, TimeSpan.Zero)),
        GroupBy = { "gender" },
        Rows =
        {
            new QueryRow
            {
                ReferenceYear = 2024, Codes = { "WOMAN_GIRL" }, Value = 1235, Status = CellStatus.Available,
                ContributingJurisdictions = { "NS", "ON" }, MissingJurisdictions = { "YT" }, Variance = 40, Margin = 12.396, Revised = true,
            },
            new QueryRow
            {
                ReferenceYear = 2024, Codes = { "MAN_BOY" }, Value = 3, Status = CellStatus.TooUnreliable,
                ContributingJurisdictions = { "NS", "ON" }, MissingJurisdictions = { "YT" }, Variance = 40, Margin = 12.396,
            },
            new QueryRow { ReferenceYear = 2025, Codes = { "WOMAN_GIRL" }, Status = CellStatus.NotAvailable, MissingJurisdictions = { "NS", "ON", "YT" } },
        },
    };

    [Fact]
    public void Csv_has_a_header_and_one_line_per_row_with_an_empty_value_when_not_available()
    {
        var writer = new StringWriter();

        QueryResultWriter.Write(Response(), OutputFormat.Csv, writer, expectedJurisdictions: 3);

        const string provenance = "trafficking.victims.v1,T1,false,40,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,0a1b2c3d,2026-12-03T16:00:00.000Z";
        Assert.Equal(
            [
                "reference_year,reference_period,jurisdiction,gender,value,status,contributing_jurisdictions,missing_jurisdictions,variance,margin_95,lower_95,upper_95,"
                    + "revised,preliminary,dataset_id,table_id,publication,tree_size,root_hash,log_key_id,computed_at",
                "2024,2024,,WOMAN_GIRL,1235,A,NS ON,YT,40,12.4,1222.6,1247.4,true,false," + provenance,
                "2024,2024,,MAN_BOY,3,F,NS ON,YT,40,12.4,0,15.4,false,false," + provenance,
                "2025,2025,,WOMAN_GIRL,,..,,NS ON YT,,,,,false,false," + provenance,
            ],
            writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_publication_safe_export_gives_f_cells_only_their_symbol_and_labels_when_asked()
    {
        var writer = new StringWriter();
        var labels = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["gender"] = new Dictionary<string, string> { ["WOMAN_GIRL"] = "Woman or girl, \"cis or trans\"" } };

        QueryResultWriter.Write(Response(), OutputFormat.Csv, writer, expectedJurisdictions: 3, new QueryExport(PublicationSafe: true, labels));

        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("reference_year,reference_period,jurisdiction,gender,gender_label,value,status,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("2024,2024,,WOMAN_GIRL,\"Woman or girl, \"\"cis or trans\"\"\",1235,A,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("2024,2024,,MAN_BOY,MAN_BOY,,F,NS ON,YT,40,12.4,,,false,false,", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Sdmx_csv_has_the_dataflow_ref_area_time_period_and_obs_and_conf_status()
    {
        var writer = new StringWriter();

        QueryResultWriter.Write(Response(), OutputFormat.SdmxCsv, writer, expectedJurisdictions: 3, new QueryExport(PublicationSafe: true, null));

        Assert.Equal(
            [
                "DATAFLOW,REF_AREA,GENDER,TIME_PERIOD,OBS_VALUE,OBS_STATUS,CONF_STATUS",
                "FEDERATION:TRAFFICKING_VICTIMS(1.0),CA,WOMAN_GIRL,2024,1235,R,F",
                "FEDERATION:TRAFFICKING_VICTIMS(1.0),CA,MAN_BOY,2024,,U,N",
                "FEDERATION:TRAFFICKING_VICTIMS(1.0),CA,WOMAN_GIRL,2025,,M,F",
            ],
            writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void The_table_shows_margins_reporting_counts_and_the_statcan_symbols()
    {
        var writer = new StringWriter();

        QueryResultWriter.Write(Response(), OutputFormat.Table, writer, expectedJurisdictions: 3);

        var lines = writer.ToString().Split(Environment.NewLine);
        Assert.Contains(lines, l => l.StartsWith("2024  WOMAN_GIRL", StringComparison.Ordinal) && l.Contains("1,235 r  ±12         2/3", StringComparison.Ordinal) && l.EndsWith("YT", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("2024  MAN_BOY     F        ±12", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("2025", StringComparison.Ordinal) && l.Contains("..", StringComparison.Ordinal) && l.Contains("0/3", StringComparison.Ordinal));
        Assert.Contains("\"r\" = revised, \"p\" = preliminary", writer.ToString(), StringComparison.Ordinal);
        Assert.Contains(lines, l => l == "Transparency log tree size 40, root hash AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=, log key 0a1b2c3d; computed 2026-12-03 16:00:00Z.");
    }

    [Fact]
    public void Json_has_the_provenance_and_one_object_per_row_with_numbers_as_numbers()
    {
        var writer = new StringWriter();

        QueryResultWriter.Write(Response(), OutputFormat.Json, writer, expectedJurisdictions: 3, new QueryExport(PublicationSafe: true, null));

        using var json = System.Text.Json.JsonDocument.Parse(writer.ToString());
        var root = json.RootElement;
        Assert.Equal(("T1", 40, "0a1b2c3d", true), (root.GetProperty("table_id").GetString(), root.GetProperty("tree_size").GetInt32(), root.GetProperty("log_key_id").GetString(), root.GetProperty("publication_safe").GetBoolean()));
        var rows = root.GetProperty("rows");
        Assert.Equal(1235, rows[0].GetProperty("value").GetInt64());
        Assert.Equal(1247.4, rows[0].GetProperty("upper_95").GetDouble());
        Assert.True(rows[0].GetProperty("revised").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, rows[1].GetProperty("value").ValueKind);
        Assert.Equal("F", rows[1].GetProperty("status").GetString());
    }

    [Fact]
    public void A_fiscal_year_dataset_writes_its_years_as_fiscal_years_in_every_form()
    {
        var fiscal = new QueryExport(PublicationSafe: false, null) { PeriodType = Federation.Sdk.Catalog.ReferencePeriodType.FiscalYear };
        string Written(OutputFormat format)
        {
            var writer = new StringWriter();
            QueryResultWriter.Write(Response(), format, writer, expectedJurisdictions: 3, fiscal);
            return writer.ToString();
        }

        var table = Written(OutputFormat.Table).Split(Environment.NewLine);
        Assert.StartsWith("fiscal year", table[0], StringComparison.Ordinal);
        Assert.Contains(table, l => l.StartsWith("2024/25      WOMAN_GIRL", StringComparison.Ordinal));
        Assert.Contains(table, l => l.StartsWith("2025/26      WOMAN_GIRL", StringComparison.Ordinal));
        Assert.StartsWith("2024,2024/25,,WOMAN_GIRL,1235,", Written(OutputFormat.Csv).Split(Environment.NewLine)[1], StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(Written(OutputFormat.Json));
        Assert.Equal("fiscal-year", json.RootElement.GetProperty("period_type").GetString());
        Assert.Equal((2024, "2024/25"), (json.RootElement.GetProperty("rows")[0].GetProperty("reference_year").GetInt32(), json.RootElement.GetProperty("rows")[0].GetProperty("reference_period").GetString()));
        Assert.Equal("FEDERATION:TRAFFICKING_VICTIMS(1.0),CA,WOMAN_GIRL,2024-04-01/P1Y,1235,R,F", Written(OutputFormat.SdmxCsv).Split(Environment.NewLine)[1]);
    }
}
