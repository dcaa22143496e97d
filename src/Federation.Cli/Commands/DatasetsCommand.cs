using System.CommandLine;
using Federation.Cli.Output;
using Federation.Contracts.V1;

namespace Federation.Cli.Commands;

/// <summary>`fed datasets`: lists and describes the datasets a gateway publishes.</summary>
internal static class DatasetsCommand
{
    public static Command Create()
    {
        var command = new Command("datasets", "List the datasets a gateway publishes, or describe one (dimensions, codes, tables, protection).");
        var data = CommonOptions.Data();
        var gateway = CommonOptions.Gateway();
        var trustRoot = CommonOptions.TrustRoot();
        var credentials = CommonOptions.Credentials();
        var id = new Argument<string?>("dataset") { Description = "Dataset id to describe; omit to list.", Arity = ArgumentArity.ZeroOrOne };
        command.Add(data);
        command.Add(gateway);
        command.Add(trustRoot);
        command.Add(credentials);
        command.Add(id);
        command.SetAction(GuardedAction.Of(async (parse, cancellationToken) =>
        {
            using var channel = GatewayConnection.Open(parse, data, gateway, trustRoot, credentials);
            var client = new CatalogService.CatalogServiceClient(channel);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            var datasetId = parse.GetValue(id);
            if (datasetId is null)
            {
                var list = await client.ListDatasetsAsync(new ListDatasetsRequest(), deadline: deadline, cancellationToken: cancellationToken);
                var table = new TextTable("dataset", "title", "unit");
                foreach (var d in list.Datasets)
                {
                    table.AddRow(d.Id, d.Title, d.Unit);
                }

                table.Write(Console.Out);
                return 0;
            }

            var dataset = (await client.DescribeDatasetAsync(
                new DescribeDatasetRequest { DatasetId = datasetId }, deadline: deadline, cancellationToken: cancellationToken)).Dataset;
            Describe(dataset, Console.Out);
            return 0;
        }));
        return command;
    }

    private static void Describe(Dataset dataset, TextWriter writer)
    {
        writer.WriteLine($"{dataset.Id}: {dataset.Title}");
        writer.WriteLine(dataset.Description);
        writer.WriteLine($"Unit: {dataset.Unit}. Reference period: {dataset.ReferencePeriod}.");
        writer.WriteLine($"Jurisdictions: {string.Join(" ", dataset.Jurisdictions)}");
        writer.WriteLine($"Protection: {ProtectionText.Describe(dataset)}");
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
