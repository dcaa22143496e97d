using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Federation.Sdk.Privacy;

namespace Federation.Sdk.Catalog;

/// <summary>Reads a dataset definition from its JSON document form.</summary>
public static class DatasetDocument
{
    private static readonly JsonSerializerOptions s_options = new()
    {
        PropertyNameCaseInsensitive = false,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Parses and checks one dataset document; <paramref name="source"/> names it in errors.</summary>
    public static DatasetDefinition Parse(Stream json, string source)
    {
        DatasetJson document;
        try
        {
            document = JsonSerializer.Deserialize<DatasetJson>(json, s_options)
                ?? throw new InvalidDataException($"{source}: empty dataset document.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }

        var dimensions = document.Dimensions
            .Select(d => new DimensionDefinition(d.Id, d.Title, d.Codes.Select(c => new CodeDefinition(c.Code, c.Label)).ToArray()))
            .ToArray();
        var tables = document.Tables
            .Select(t => new TableDefinition(
                t.Id,
                t.Title,
                t.Dimensions.Select(id => dimensions.FirstOrDefault(d => d.Id == id)
                    ?? throw new InvalidDataException($"{source}: table '{t.Id}' names unknown dimension '{id}'.")).ToArray()))
            .ToArray();
        var protection = ParseProtection(document.Protection, tables, source);
        var workload = ParseWorkload(document.Workload ?? [], dimensions, source);
        var periodType = document.PeriodType is null ? ReferencePeriodType.CalendarYear : ReferencePeriodType.Find(document.PeriodType)
            ?? throw new InvalidDataException(
                $"{source}: periodType '{document.PeriodType}' is unknown; use {string.Join(" or ", ReferencePeriodType.All.Select(t => t.Name))}.");
        var record = document.Record is null ? null : RecordDocument.Parse(document.Record, dimensions, source);
        return new DatasetDefinition(
            document.Id,
            document.Title,
            document.Description,
            document.Unit,
            document.ReferencePeriod,
            document.Jurisdictions,
            dimensions,
            tables,
            protection,
            ParseCalendar(document.PublicationCalendar, periodType, source),
            record,
            document.UnitOfPrivacy,
            workload);
    }

    private static WorkloadQuery[] ParseWorkload(WorkloadQueryJson[] queries, IReadOnlyList<DimensionDefinition> dimensions, string source)
    {
        var parsed = new List<WorkloadQuery>(queries.Length);
        for (var i = 0; i < queries.Length; i++)
        {
            var query = queries[i];
            var setting = $"workload[{i}]";
            if (string.IsNullOrWhiteSpace(query.Id))
            {
                throw new InvalidDataException($"{source}: {setting}.id names the query, such as \"W1\".");
            }

            if (parsed.Any(q => q.Id == query.Id))
            {
                throw new InvalidDataException($"{source}: {setting}.id '{query.Id}' names another workload query too.");
            }

            var grouped = new List<DimensionDefinition>();
            var names = query.Dimensions ?? throw new InvalidDataException(
                $"{source}: {setting}.dimensions lists the dimensions query '{query.Id}' groups by ([] for a total).");
            for (var k = 0; k < names.Length; k++)
            {
                var dimension = dimensions.FirstOrDefault(d => d.Id == names[k]) ?? throw new InvalidDataException(
                    $"{source}: {setting}.dimensions[{k}] of query '{query.Id}' names unknown dimension '{names[k]}'; "
                    + $"the dimensions are {string.Join(", ", dimensions.Select(d => d.Id))}.");
                if (grouped.Contains(dimension))
                {
                    throw new InvalidDataException($"{source}: {setting}.dimensions[{k}] of query '{query.Id}' names dimension '{dimension.Id}' twice.");
                }

                grouped.Add(dimension);
            }

            if (query.Weight is not { } weight || !(weight > 0) || double.IsInfinity(weight))
            {
                throw new InvalidDataException(
                    $"{source}: {setting}.weight of query '{query.Id}' must be a positive number (how much each cell's squared error counts); it is '{query.Weight}'.");
            }

            parsed.Add(new WorkloadQuery(query.Id, query.Title ?? query.Id, grouped, query.ByJurisdiction ?? false, weight));
        }

        return [.. parsed];
    }

    /// <summary>
    /// <paramref name="json"/>, a dataset document, with its tables and their protection replaced by
    /// <paramref name="tables"/>: each table's id, title and dimensions, and discrete Gaussian noise of its exact
    /// variance (the budget and every other section are kept). The result is checked as <see cref="Parse"/> checks any
    /// document; <paramref name="source"/> names it in errors.
    /// </summary>
    public static string WithTables(string json, IReadOnlyList<(string Id, string Title, IReadOnlyList<string> Dimensions, Rational Variance)> tables, string source)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var document = JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException($"{source}: not a JSON object.");
        var tableArray = new JsonArray();
        var protections = new JsonObject();
        foreach (var (id, title, dimensions, variance) in tables)
        {
            tableArray.Add(new JsonObject { ["id"] = id, ["title"] = title, ["dimensions"] = new JsonArray([.. dimensions.Select(d => JsonValue.Create(d))]) });
            protections[id] = new JsonObject { ["mechanism"] = "discrete-gaussian", ["variance"] = variance.ToString() };
        }

        document["tables"] = tableArray;
        var protection = document["protection"] as JsonObject ?? throw new InvalidDataException($"{source}: the document has no protection section.");
        protection["tables"] = protections;
        var text = document.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
        using var check = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        Parse(check, source);
        return text;
    }

    private static PublicationCalendar ParseCalendar(CalendarJson? json, ReferencePeriodType periodType, string source)
    {
        if (json?.Editions is not { } editions)
        {
            throw new InvalidDataException(
                $"{source}: publicationCalendar.editions sets when a reference year is released and revised, such as [{{ \"monthsAfterYearEnd\": 3 }}].");
        }

        var months = editions.Select(e => e.MonthsAfterYearEnd).ToArray();
        return PublicationCalendar.FindProblem(months) is { } problem
            ? throw new InvalidDataException($"{source}: {problem}")
            : new PublicationCalendar(months, periodType);
    }

    private static ProtectionPolicy ParseProtection(ProtectionJson json, IReadOnlyList<TableDefinition> tables, string source)
    {
        var byTable = json.Tables ?? throw new InvalidDataException(
            $"{source}: protection.tables sets each table's mechanism ({string.Join(", ", tables.Select(t => t.Id))}).");
        foreach (var unknown in byTable.Keys.Where(id => tables.All(t => t.Id != id)))
        {
            throw new InvalidDataException(
                $"{source}: protection.tables names unknown table '{unknown}'; the tables are {string.Join(", ", tables.Select(t => t.Id))}.");
        }

        var protections = tables.Select(t => byTable.TryGetValue(t.Id, out var table)
            ? ParseTable(t.Id, table, source)
            : throw new InvalidDataException($"{source}: protection.tables has no protection for table '{t.Id}'.")).ToArray();
        var budget = json.BudgetRho is null ? Rational.Zero : PositiveRational(json.BudgetRho, "protection.budgetRho", source);
        if (protections.Any(t => t.IsNoise) && json.BudgetRho is null)
        {
            throw new InvalidDataException($"{source}: noise needs protection.budgetRho, the zCDP budget per node and reference year, such as \"0.5\".");
        }

        return ProtectionPolicy.FindProblem(protections, budget) is { } problem
            ? throw new InvalidDataException($"{source}: {problem}")
            : new ProtectionPolicy(protections, budget);
    }

    private static TableProtection ParseTable(string tableId, TableProtectionJson json, string source)
    {
        var setting = $"protection.tables.{tableId}";
        (string Name, bool Given)[] parameters = [("variance", json.Variance is not null), ("scale", json.Scale is not null), ("roundingBase", json.RoundingBase is not null)];
        string expected;
        TableProtection? protection = null;
        switch (json.Mechanism)
        {
            case "discrete-gaussian":
                expected = "variance";
                if (json.Variance is not null)
                {
                    protection = TableProtection.DiscreteGaussian(tableId, PositiveRational(json.Variance, setting + ".variance", source));
                }

                break;
            case "discrete-laplace":
                expected = "scale";
                if (json.Scale is not null)
                {
                    protection = TableProtection.DiscreteLaplace(tableId, PositiveRational(json.Scale, setting + ".scale", source));
                }

                break;
            case "random-rounding":
                expected = "roundingBase";
                if (json.RoundingBase is { } roundingBase)
                {
                    protection = roundingBase >= 2
                        ? TableProtection.RandomRounding(tableId, roundingBase)
                        : throw new InvalidDataException($"{source}: {setting}.roundingBase must be at least 2; it is {roundingBase}.");
                }

                break;
            default:
                throw new InvalidDataException(
                    $"{source}: {setting}.mechanism '{json.Mechanism}' is unknown; use discrete-gaussian (with variance), discrete-laplace (with scale) or random-rounding (with roundingBase).");
        }

        foreach (var (name, _) in parameters.Where(p => p.Given && p.Name != expected))
        {
            throw new InvalidDataException($"{source}: {setting} is {json.Mechanism}, which takes {expected}, not {name}.");
        }

        return protection ?? throw new InvalidDataException($"{source}: {setting} is {json.Mechanism} and needs its {expected}.");
    }

    private static Rational PositiveRational(string? text, string setting, string source) =>
        Rational.TryParse(text, out var value) && value.Sign > 0
            ? value
            : throw new InvalidDataException($"{source}: {setting} must be a positive exact number such as \"20\" or \"0.5\"; it is '{text}'.");

    private sealed record DatasetJson(
        string Id,
        string Title,
        string Description,
        string Unit,
        string ReferencePeriod,
        string[] Jurisdictions,
        DimensionJson[] Dimensions,
        TableJson[] Tables,
        ProtectionJson Protection,
        CalendarJson? PublicationCalendar,
        string? PeriodType,
        string? UnitOfPrivacy,
        RecordDocument.RecordJson? Record,
        WorkloadQueryJson[]? Workload);

    private sealed record WorkloadQueryJson(string? Id, string? Title, string[]? Dimensions, bool? ByJurisdiction, double? Weight);

    private sealed record CalendarJson(string? Description, EditionJson[]? Editions);

    private sealed record EditionJson(string? Name, int MonthsAfterYearEnd);

    private sealed record DimensionJson(string Id, string Title, CodeJson[] Codes);

    private sealed record CodeJson(string Code, string Label);

    private sealed record TableJson(string Id, string Title, string[] Dimensions);

    private sealed record ProtectionJson(Dictionary<string, TableProtectionJson>? Tables, string? BudgetRho);

    private sealed record TableProtectionJson(string Mechanism, string? Variance, string? Scale, int? RoundingBase);
}
