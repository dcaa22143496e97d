using System.CommandLine;
using Federation.Cli.Output;
using Federation.Contracts.V1;

namespace Federation.Cli.Commands;

/// <summary>`fed datasets`: lists and describes the datasets a gateway publishes.</summary>
internal static class DatasetsCommand
{
    private static readonly Google.Protobuf.JsonFormatter Json = new(Google.Protobuf.JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static Command Create()
    {
        var command = new Command("datasets", "List the datasets a gateway publishes, or describe one (dimensions, codes, tables, protection).");
        var data = CommonOptions.Data();
        var gateway = CommonOptions.Gateway();
        var trustRoot = CommonOptions.TrustRoot();
        var credentials = CommonOptions.Credentials();
        var id = new Argument<string?>("dataset") { Description = "Dataset id to describe; omit to list.", Arity = ArgumentArity.ZeroOrOne };
        var format = new Option<OutputFormat>("--format") { Description = "table or json (the gateway's answer in protobuf JSON form).", DefaultValueFactory = _ => OutputFormat.Table };
        format.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<OutputFormat>() is not (OutputFormat.Table or OutputFormat.Json))
            {
                result.AddError("fed datasets prints a table or json.");
            }
        });
        command.Add(data);
        command.Add(gateway);
        command.Add(trustRoot);
        command.Add(credentials);
        command.Add(id);
        command.Add(format);
        command.SetAction(GuardedAction.Of(async (parse, cancellationToken) =>
        {
            using var channel = GatewayConnection.Open(parse, data, gateway, trustRoot, credentials);
            var client = new CatalogService.CatalogServiceClient(channel);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            var datasetId = parse.GetValue(id);
            if (datasetId is null)
            {
                var list = await client.ListDatasetsAsync(new ListDatasetsRequest(), deadline: deadline, cancellationToken: cancellationToken);
                if (parse.GetValue(format) == OutputFormat.Json)
                {
                    Console.WriteLine(Json.Format(list));
                    return 0;
                }

                var table = new TextTable("dataset", "title", "unit");
                foreach (var d in list.Datasets)
                {
                    table.AddRow(d.Id, d.Title, d.Unit);
                }

                table.Write(Console.Out);
                return 0;
            }

            var described = await client.DescribeDatasetAsync(
                new DescribeDatasetRequest { DatasetId = datasetId }, deadline: deadline, cancellationToken: cancellationToken);
            if (parse.GetValue(format) == OutputFormat.Json)
            {
                Console.WriteLine(Json.Format(described));
                return 0;
            }

            Describe(described.Dataset, Console.Out);
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// The editions of every reference year, with their dates for <paramref name="exampleYear"/>: "edition 1 (first
    /// release) 3 months after the year closes (2025: 1 April 2026); edition 2 (revision) 15 months after (2025: 1 April 2027)".
    /// </summary>
    internal static string DescribeCalendar(PublishedCalendar? calendar, int exampleYear)
    {
        if (calendar is null || calendar.Editions.Count == 0)
        {
            return "not published by this gateway.";
        }

        var yearEnd = new DateTime(exampleYear + 1, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        return string.Join("; ", calendar.Editions.Select(e => string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"edition {e.Edition} ({(e.Edition == 1 ? "first release" : "revision")}) {e.MonthsAfterYearEnd} months after the year closes ({exampleYear}: {yearEnd.AddMonths(e.MonthsAfterYearEnd):d MMMM yyyy})")))
            + ". A node releases a year only at its first edition and revises it only at a later one.";
    }

    private static void Describe(Dataset dataset, TextWriter writer)
    {
        writer.WriteLine($"{dataset.Id}: {dataset.Title}");
        writer.WriteLine(dataset.Description);
        writer.WriteLine($"Unit: {dataset.Unit}. Reference period: {dataset.ReferencePeriod}.");
        writer.WriteLine($"Jurisdictions: {string.Join(" ", dataset.Jurisdictions)}");
        writer.WriteLine($"Protection: {ProtectionText.Describe(dataset)}");
        writer.WriteLine($"Publication calendar: {DescribeCalendar(dataset.PublicationCalendar, DateTime.UtcNow.Year - 1)}");
        writer.WriteLine();
        writer.WriteLine("Dimensions:");
        foreach (var dimension in dataset.Dimensions)
        {
            writer.WriteLine($"  {dimension.Id} ({dimension.Title}): {string.Join(", ", dimension.Codes.Select(c => c.Code_))}");
        }

        writer.WriteLine();
        var protection = ProtectionText.Tables(dataset);
        var tables = new TextTable("table", "dimensions", "cells", "protection", "rho", "title");
        foreach (var t in dataset.Tables)
        {
            var table = protection.GetValueOrDefault(t.Id);
            tables.AddRow(
                t.Id,
                t.DimensionIds.Count == 0 ? "(total)" : string.Join(" x ", t.DimensionIds),
                t.CellCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                table?.Parameters ?? "-",
                table is { IsNoise: true } ? table.Rho.ToString() : "-",
                t.Title);
        }

        tables.Write(writer);
    }
}
