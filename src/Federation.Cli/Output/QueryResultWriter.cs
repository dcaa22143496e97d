using System.Globalization;
using System.Text;
using System.Text.Json;
using Federation.Contracts.V1;
using Federation.Sdk.Catalog;

namespace Federation.Cli.Output;

/// <summary>How a query answer is exported besides its format.</summary>
/// <param name="PublicationSafe">Cells too unreliable to publish (F) carry no value and no bounds, only the symbol.</param>
/// <param name="Labels">Code labels by dimension id and code, or null for codes only.</param>
internal sealed record QueryExport(bool PublicationSafe, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? Labels)
{
    public static QueryExport Raw { get; } = new(false, null);

    /// <summary>What the dataset's reference year is (a fiscal year is written "2023/24"); a calendar year unless set.</summary>
    public ReferencePeriodType PeriodType { get; init; } = ReferencePeriodType.CalendarYear;
}

/// <summary>
/// Prints a query answer as an aligned table, CSV, JSON or SDMX-CSV. Every form carries the answer's provenance
/// (dataset, table, publication flag, tree size, checkpoint root hash, log key id, when computed) and each row's
/// status and revision marks. CSV and JSON have the same columns (JSON: one object per row, numbers as numbers). A
/// reference year is written as its dataset's period type writes it: "2023" for a calendar year, "2023/24" for a
/// fiscal year (the table's year column, the reference_period column; reference_year stays the number).
/// </summary>
internal static class QueryResultWriter
{
    public static void Write(QueryResponse response, OutputFormat format, TextWriter writer, int expectedJurisdictions, QueryExport? export = null)
    {
        export ??= QueryExport.Raw;
        switch (format)
        {
            case OutputFormat.Json:
                WriteJson(response, export, writer);
                return;
            case OutputFormat.Csv:
                WriteCsv(response, export, writer);
                return;
            case OutputFormat.SdmxCsv:
                WriteSdmxCsv(response, export, writer);
                return;
            default:
                WriteTable(response, export.PeriodType, writer, expectedJurisdictions);
                return;
        }
    }

    /// <summary>The StatCan symbol for a value: the number, ".." when not available, "F" when too unreliable to publish.</summary>
    public static string FormatValue(QueryRow row) => row.Status switch
    {
        CellStatus.NotAvailable => "..",
        CellStatus.TooUnreliable => "F",
        CellStatus.UseWithCaution => row.Value.ToString("N0", CultureInfo.InvariantCulture) + " E",
        _ => row.Value.ToString("N0", CultureInfo.InvariantCulture),
    };

    /// <summary>The 95% margin of error as "±14", or "" when there is none.</summary>
    public static string FormatMargin(QueryRow row) =>
        row.Status == CellStatus.NotAvailable || row.Margin <= 0 ? string.Empty : "±" + row.Margin.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The StatCan symbol of a status ("" when the value is fine).</summary>
    public static string Symbol(CellStatus status) => status switch
    {
        CellStatus.NotAvailable => "..",
        CellStatus.UseWithCaution => "E",
        CellStatus.TooUnreliable => "F",
        _ => string.Empty,
    };

    /// <summary>The StatCan revision marks of a row: "r" revised, "p" preliminary, both as "r p", or "".</summary>
    public static string Marks(QueryRow row) =>
        string.Join(' ', new[] { row.Revised ? "r" : null, row.Preliminary ? "p" : null }.OfType<string>());

    /// <summary>
    /// SDMX's TIME_PERIOD of a reference year: "2023" for a calendar year; for another year (a fiscal year, April to
    /// March) the SDMX time range of its first day and length, "2023-04-01/P1Y".
    /// </summary>
    public static string SdmxTimePeriod(ReferencePeriodType periodType, int referenceYear) =>
        periodType.StartMonth == 1
            ? referenceYear.ToString(CultureInfo.InvariantCulture)
            : periodType.Start(referenceYear).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "/P1Y";

    private static void WriteTable(QueryResponse response, ReferencePeriodType periodType, TextWriter writer, int expectedJurisdictions)
    {
        var byJurisdiction = response.Rows.Any(r => r.Jurisdiction.Length > 0);
        var headers = new List<string> { periodType == ReferencePeriodType.FiscalYear ? "fiscal year" : "year" };
        if (byJurisdiction)
        {
            headers.Add("jurisdiction");
        }

        headers.AddRange(response.GroupBy);
        headers.Add("value");
        headers.Add("95% margin");
        if (!byJurisdiction)
        {
            headers.Add("reporting");
            headers.Add("not reported");
        }

        var table = new TextTable([.. headers]);
        foreach (var row in response.Rows)
        {
            var cells = new List<string> { periodType.Label(row.ReferenceYear) };
            if (byJurisdiction)
            {
                cells.Add(row.Jurisdiction);
            }

            cells.AddRange(row.Codes);
            cells.Add(Marks(row) is { Length: > 0 } marks ? $"{FormatValue(row)} {marks}" : FormatValue(row));
            cells.Add(FormatMargin(row));
            if (!byJurisdiction)
            {
                cells.Add($"{row.ContributingJurisdictions.Count}/{expectedJurisdictions}");
                cells.Add(row.MissingJurisdictions.Count == 0 ? "-" : string.Join(" ", row.MissingJurisdictions));
            }

            table.AddRow([.. cells]);
        }

        table.Write(writer);
        var view = response.Publication
            ? "the publication view (consistent, non-negative integers; margins are those of the protected estimates)"
            : "protected values";
        writer.WriteLine($"(from table {response.TableId} of {response.DatasetId}, {view}; the true figure is within the 95% margin 19 times in 20;");
        writer.WriteLine(" \"..\" = not available, \"E\" = use with caution, \"F\" = too unreliable to be published, \"r\" = revised, \"p\" = preliminary)");
        if (response.RootHash.Length > 0)
        {
            writer.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Transparency log tree size {response.TreeSize}, root hash {response.RootHash.ToBase64()}, log key {response.LogKeyId}; computed {response.ComputedAt?.ToDateTimeOffset():u}."));
        }
    }

    // The columns of the CSV and JSON forms, in order: name and value (null: empty in CSV, null in JSON).
    private static IEnumerable<(string Name, object? Value)> Columns(QueryResponse response, QueryRow row, QueryExport export)
    {
        var available = row.Status != CellStatus.NotAvailable;
        var withheld = !available || (export.PublicationSafe && row.Status == CellStatus.TooUnreliable);
        yield return ("reference_year", row.ReferenceYear);
        yield return ("reference_period", export.PeriodType.Label(row.ReferenceYear));
        yield return ("jurisdiction", row.Jurisdiction);
        for (var i = 0; i < response.GroupBy.Count; i++)
        {
            yield return (response.GroupBy[i], row.Codes[i]);
            if (export.Labels is not null)
            {
                yield return (response.GroupBy[i] + "_label", Label(export, response.GroupBy[i], row.Codes[i]));
            }
        }

        yield return ("value", withheld ? null : row.Value);
        yield return ("status", Symbol(row.Status) is { Length: > 0 } symbol ? symbol : "A");
        yield return ("contributing_jurisdictions", string.Join(' ', row.ContributingJurisdictions));
        yield return ("missing_jurisdictions", string.Join(' ', row.MissingJurisdictions));
        yield return ("variance", available ? row.Variance : null);
        yield return ("margin_95", available ? Math.Round(row.Margin, 2) : null);
        yield return ("lower_95", withheld ? null : Math.Max(0, Math.Round(row.Value - row.Margin, 2)));
        yield return ("upper_95", withheld ? null : Math.Round(row.Value + row.Margin, 2));
        yield return ("revised", row.Revised);
        yield return ("preliminary", row.Preliminary);
        yield return ("dataset_id", response.DatasetId);
        yield return ("table_id", response.TableId);
        yield return ("publication", response.Publication);
        yield return ("tree_size", response.TreeSize);
        yield return ("root_hash", response.RootHash.ToBase64());
        yield return ("log_key_id", response.LogKeyId);
        yield return ("computed_at", ComputedAt(response));
    }

    private static string? ComputedAt(QueryResponse response) =>
        response.ComputedAt?.ToDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static string Label(QueryExport export, string dimension, string code) =>
        export.Labels!.TryGetValue(dimension, out var codes) && codes.TryGetValue(code, out var label) ? label : code;

    private static void WriteCsv(QueryResponse response, QueryExport export, TextWriter writer)
    {
        var header = Columns(response, new QueryRow { Codes = { response.GroupBy.Select(_ => string.Empty) } }, export).Select(c => c.Name);
        writer.WriteLine(string.Join(',', header.Select(Csv)));
        foreach (var row in response.Rows)
        {
            writer.WriteLine(string.Join(',', Columns(response, row, export).Select(c => Csv(CsvText(c.Value)))));
        }
    }

    private static string CsvText(object? value) => value switch
    {
        null => string.Empty,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    // RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
    private static string Csv(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;

    private static void WriteJson(QueryResponse response, QueryExport export, TextWriter writer)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping: base64 '+' and the checkpoint's em dash stay as they are (the output is a file, not HTML).
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("dataset_id", response.DatasetId);
            json.WriteString("table_id", response.TableId);
            json.WriteString("period_type", export.PeriodType.Name);
            json.WriteStartArray("group_by");
            foreach (var dimension in response.GroupBy)
            {
                json.WriteStringValue(dimension);
            }

            json.WriteEndArray();
            json.WriteBoolean("publication", response.Publication);
            json.WriteBoolean("publication_safe", export.PublicationSafe);
            json.WriteNumber("tree_size", response.TreeSize);
            json.WriteString("root_hash", response.RootHash.ToBase64());
            json.WriteString("log_key_id", response.LogKeyId);
            json.WriteString("checkpoint", response.Checkpoint);
            json.WriteString("computed_at", ComputedAt(response));

            json.WriteStartArray("rows");
            foreach (var row in response.Rows)
            {
                json.WriteStartObject();
                foreach (var (name, value) in Columns(response, row, export))
                {
                    json.WritePropertyName(name);
                    switch (value)
                    {
                        case null:
                            json.WriteNullValue();
                            break;
                        case bool b:
                            json.WriteBooleanValue(b);
                            break;
                        case int i:
                            json.WriteNumberValue(i);
                            break;
                        case long l:
                            json.WriteNumberValue(l);
                            break;
                        case ulong u:
                            json.WriteNumberValue(u);
                            break;
                        case double d:
                            json.WriteNumberValue(d);
                            break;
                        default:
                            json.WriteStringValue(CsvText(value));
                            break;
                    }
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        writer.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>
    /// SDMX-CSV (version 1 layout): DATAFLOW, the dimensions (REF_AREA: CA, or CA-XX for a province or territory; then
    /// the grouped dimensions in upper case), TIME_PERIOD (<see cref="SdmxTimePeriod"/>), OBS_VALUE, and the attributes OBS_STATUS (M not available,
    /// U low reliability (E or F), else P preliminary, R revised, A normal) and CONF_STATUS (N not for publication for F,
    /// F free otherwise). With labels, each code is written "CODE: label" (SDMX-CSV's labels=both).
    /// </summary>
    private static void WriteSdmxCsv(QueryResponse response, QueryExport export, TextWriter writer)
    {
        var dataflow = SdmxDataflow(response.DatasetId);
        writer.WriteLine(string.Join(',', new[] { "DATAFLOW", "REF_AREA" }
            .Concat(response.GroupBy.Select(d => d.ToUpperInvariant()))
            .Concat(["TIME_PERIOD", "OBS_VALUE", "OBS_STATUS", "CONF_STATUS"])));
        foreach (var row in response.Rows)
        {
            var withheld = row.Status == CellStatus.NotAvailable || (export.PublicationSafe && row.Status == CellStatus.TooUnreliable);
            var codes = row.Codes.Select((code, i) => export.Labels is null ? code : $"{code}: {Label(export, response.GroupBy[i], code)}");
            writer.WriteLine(string.Join(',', new[] { dataflow, row.Jurisdiction.Length == 0 ? "CA" : "CA-" + row.Jurisdiction }
                .Concat(codes)
                .Concat([
                    SdmxTimePeriod(export.PeriodType, row.ReferenceYear),
                    withheld ? string.Empty : row.Value.ToString(CultureInfo.InvariantCulture),
                    ObsStatus(row),
                    row.Status == CellStatus.TooUnreliable ? "N" : "F",
                ])
                .Select(Csv)));
        }
    }

    private static string ObsStatus(QueryRow row) => row.Status switch
    {
        CellStatus.NotAvailable => "M",
        CellStatus.UseWithCaution or CellStatus.TooUnreliable => "U",
        _ when row.Preliminary => "P",
        _ when row.Revised => "R",
        _ => "A",
    };

    // "trafficking.victims.v1" -> "FEDERATION:TRAFFICKING_VICTIMS(1.0)": agency, id and version of the dataflow.
    private static string SdmxDataflow(string datasetId)
    {
        var parts = datasetId.Split('.');
        var version = parts.Length > 1 && parts[^1] is ['v', .. var number] && number.All(char.IsAsciiDigit) && number.Length > 0 ? number : null;
        var id = string.Join('_', version is null ? parts : parts[..^1]).ToUpperInvariant();
        return $"FEDERATION:{id}({version ?? "1"}.0)";
    }
}
