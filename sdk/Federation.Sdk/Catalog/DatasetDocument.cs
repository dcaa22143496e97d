using System.Text.Json;
using System.Text.Json.Serialization;

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
        var protection = document.Protection.Mechanism switch
        {
            "random-rounding" when document.Protection.RoundingBase >= 2 =>
                new ProtectionPolicy(ProtectionMechanismKind.RandomRounding, document.Protection.RoundingBase),
            "random-rounding" => throw new InvalidDataException($"{source}: random rounding needs a roundingBase of at least 2."),
            var other => throw new InvalidDataException($"{source}: unknown protection mechanism '{other}'."),
        };
        return new DatasetDefinition(
            document.Id,
            document.Title,
            document.Description,
            document.Unit,
            document.ReferencePeriod,
            document.Jurisdictions,
            dimensions,
            tables,
            protection);
    }

    private sealed record DatasetJson(
        string Id,
        string Title,
        string Description,
        string Unit,
        string ReferencePeriod,
        string[] Jurisdictions,
        DimensionJson[] Dimensions,
        TableJson[] Tables,
        ProtectionJson Protection);

    private sealed record DimensionJson(string Id, string Title, CodeJson[] Codes);

    private sealed record CodeJson(string Code, string Label);

    private sealed record TableJson(string Id, string Title, string[] Dimensions);

    private sealed record ProtectionJson(string Mechanism, int RoundingBase);
}
