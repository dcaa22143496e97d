using System.CommandLine;
using Federation.Cli.Output;
using Federation.Contracts.V1;
using Federation.Sdk.Catalog;

namespace Federation.Cli.Commands;

/// <summary>`fed query`: asks a running gateway for national or per-jurisdiction figures.</summary>
internal static class QueryCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var gateway = CommonOptions.Gateway();
        var trustRoot = CommonOptions.TrustRoot();
        var credentials = CommonOptions.Credentials();
        var dataset = new Option<string>("--dataset") { Description = "Dataset id.", DefaultValueFactory = _ => "trafficking.victims.v1" };
        var groupBy = new Option<string[]>("--group-by")
        {
            Description = "Dimensions to group by, comma-separated (for example gender,age_group). See `fed datasets trafficking.victims.v1`.",
            AllowMultipleArgumentsPerToken = true,
        };
        var filter = new Option<string[]>("--filter")
        {
            Description = "Keep only some codes of a dimension: DIMENSION=CODE[,CODE...]. Repeatable.",
        };
        var years = new Option<int[]>("--year") { Description = "Reference year(s); all reported years by default. Repeatable.", AllowMultipleArgumentsPerToken = true };
        var jurisdictions = new Option<string[]>("--jurisdiction")
        {
            Description = "Jurisdiction code(s) to include (for example ON NS); all by default.",
            AllowMultipleArgumentsPerToken = true,
        };
        var byJurisdiction = new Option<bool>("--by-jurisdiction") { Description = "One row per jurisdiction instead of national figures." };
        var publication = new Option<bool>("--publication")
        {
            Description = "Publication view: consistent, non-negative integers (national and jurisdiction figures add up), unreliable cells flagged F.",
        };
        var format = new Option<OutputFormat>("--format")
        {
            Description = "table, csv, json (numbers as numbers) or sdmx-csv. Every form carries the answer's provenance, statuses and r/p marks.",
            DefaultValueFactory = _ => OutputFormat.Table,
            CustomParser = ParseFormat,
        };
        var publicationSafe = new Option<bool?>("--publication-safe")
        {
            Description = "Cells too unreliable to publish (F) carry no value and no bounds, only the symbol. On by default with --publication; "
                + "--publication-safe false exports the raw protected values.",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = ParseSwitch,
        };
        var labels = new Option<bool>("--labels") { Description = "Add each code's label (csv, json: a DIMENSION_label column; sdmx-csv: \"CODE: label\")." };
        var asOf = new Option<string?>("--as-of")
        {
            Description = "Answer from what had been accepted then: a transparency log tree size (for example 40), a time " +
                "(2025-03-01T12:00:00Z) or a date (2025-03-01, meaning the end of that day, UTC).",
        };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the gateway.", DefaultValueFactory = _ => 30 };

        var command = new Command("query", "Query national or per-jurisdiction figures from a gateway.")
        {
            data, gateway, trustRoot, credentials, dataset, groupBy, filter, years, jurisdictions, byJurisdiction, publication, format, publicationSafe, labels, asOf, timeout,
        };
        command.SetAction(GuardedAction.Of(async (parse, cancellationToken) =>
        {
            var request = new QueryRequest
            {
                DatasetId = parse.GetValue(dataset)!,
                ByJurisdiction = parse.GetValue(byJurisdiction),
                Publication = parse.GetValue(publication),
            };
            request.GroupBy.AddRange(SplitList(parse.GetValue(groupBy)));
            request.Filters.AddRange((parse.GetValue(filter) ?? []).Select(ParseFilter));
            request.Years.AddRange(parse.GetValue(years) ?? []);
            request.Jurisdictions.AddRange(SplitList(parse.GetValue(jurisdictions)).Select(j => j.ToUpperInvariant()));
            SetAsOf(request, parse.GetValue(asOf));

            using var channel = GatewayConnection.Open(parse, data, gateway, trustRoot, credentials);
            var client = new QueryService.QueryServiceClient(channel);
            var response = await client.QueryAsync(
                request,
                deadline: DateTime.UtcNow.AddSeconds(parse.GetValue(timeout)),
                cancellationToken: cancellationToken);
            // The gateway's catalogue says what the dataset's year is, its jurisdictions and its codes' labels.
            var described = (await new CatalogService.CatalogServiceClient(channel).DescribeDatasetAsync(
                new DescribeDatasetRequest { DatasetId = request.DatasetId },
                deadline: DateTime.UtcNow.AddSeconds(parse.GetValue(timeout)),
                cancellationToken: cancellationToken)).Dataset;
            var expected = described.Jurisdictions.Count > 0 ? described.Jurisdictions.Count : Jurisdiction.All.Count;
            var export = new QueryExport(parse.GetValue(publicationSafe) ?? request.Publication, parse.GetValue(labels) ? CodeLabels(described) : null)
            {
                PeriodType = ReferencePeriodType.Find(described.PeriodType) ?? ReferencePeriodType.CalendarYear,
            };
            QueryResultWriter.Write(response, parse.GetValue(format), Console.Out, expected, export);
            return 0;
        }));
        return command;
    }

    private static OutputFormat ParseFormat(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
        switch (text.ToLowerInvariant())
        {
            case "table":
                return OutputFormat.Table;
            case "csv":
                return OutputFormat.Csv;
            case "json":
                return OutputFormat.Json;
            case "sdmx-csv":
                return OutputFormat.SdmxCsv;
            default:
                result.AddError($"--format '{text}': expected table, csv, json or sdmx-csv.");
                return OutputFormat.Table;
        }
    }

    // A switch that may be given a value: "--publication-safe" is true, "--publication-safe false" false.
    private static bool? ParseSwitch(System.CommandLine.Parsing.ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return true;
        }

        if (bool.TryParse(result.Tokens[0].Value, out var value))
        {
            return value;
        }

        result.AddError($"--publication-safe '{result.Tokens[0].Value}': expected true or false.");
        return null;
    }

    // The label of every code of the dataset's dimensions, as the gateway publishes them.
    private static Dictionary<string, IReadOnlyDictionary<string, string>> CodeLabels(Dataset dataset) =>
        dataset.Dimensions.ToDictionary(
            d => d.Id,
            d => (IReadOnlyDictionary<string, string>)d.Codes.ToDictionary(c => c.Code_, c => c.Label, StringComparer.Ordinal),
            StringComparer.Ordinal);

    private static IEnumerable<string> SplitList(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static void SetAsOf(QueryRequest request, string? text)
    {
        if (text is null)
        {
            return;
        }

        if (ulong.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var treeSize) && treeSize > 0)
        {
            request.AsOfTreeSize = treeSize;
        }
        else if (DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date))
        {
            var endOfDay = new DateTimeOffset(date.ToDateTime(TimeOnly.MaxValue), TimeSpan.Zero);
            request.AsOfTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(endOfDay);
        }
        else if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time))
        {
            request.AsOfTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(time);
        }
        else
        {
            throw new CommandException($"--as-of '{text}': expected a tree size (1 or more), a date (2025-03-01) or a time (2025-03-01T12:00:00Z).");
        }
    }

    private static DimensionFilter ParseFilter(string text)
    {
        var parts = text.Split('=', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new CommandException($"--filter '{text}': expected DIMENSION=CODE[,CODE...], for example gender=WOMAN_GIRL.");
        }

        var filter = new DimensionFilter { DimensionId = parts[0] };
        filter.Codes.AddRange(parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return filter;
    }
}
