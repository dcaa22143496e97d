using System.Text.Json;
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

    private static ProtectionPolicy ParseProtection(ProtectionJson json, IReadOnlyList<TableDefinition> tables, string source)
    {
        switch (json.Mechanism)
        {
            case "random-rounding":
                if (json.RoundingBase < 2)
                {
                    throw new InvalidDataException($"{source}: random rounding needs a roundingBase of at least 2.");
                }

                if (json.NoiseVariance is not null || json.BudgetRho is not null)
                {
                    throw new InvalidDataException($"{source}: random rounding takes no noiseVariance or budgetRho.");
                }

                return new ProtectionPolicy(ProtectionMechanismKind.RandomRounding, json.RoundingBase);
            case "discrete-gaussian":
                var variances = json.NoiseVariance ?? throw new InvalidDataException(
                    $"{source}: discrete Gaussian noise needs a noiseVariance for every table ({string.Join(", ", tables.Select(t => t.Id))}).");
                foreach (var unknown in variances.Keys.Where(id => tables.All(t => t.Id != id)))
                {
                    throw new InvalidDataException($"{source}: noiseVariance names unknown table '{unknown}'.");
                }

                var noise = tables.Select(t => new TableNoise(
                    t.Id,
                    variances.TryGetValue(t.Id, out var text)
                        ? PositiveRational(text, $"noiseVariance.{t.Id}", source)
                        : throw new InvalidDataException($"{source}: noiseVariance has no variance for table '{t.Id}'."))).ToArray();
                var budget = PositiveRational(json.BudgetRho, "budgetRho", source);
                var policy = ProtectionPolicy.DiscreteGaussian(noise, budget);
                if (policy.ReleaseRho > budget)
                {
                    throw new InvalidDataException(
                        $"{source}: one release costs rho {policy.ReleaseRho}, more than the budget {budget}: no node could ever release.");
                }

                return policy;
            default:
                throw new InvalidDataException($"{source}: unknown protection mechanism '{json.Mechanism}' (random-rounding, discrete-gaussian).");
        }
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
        ProtectionJson Protection);

    private sealed record DimensionJson(string Id, string Title, CodeJson[] Codes);

    private sealed record CodeJson(string Code, string Label);

    private sealed record TableJson(string Id, string Title, string[] Dimensions);

    private sealed record ProtectionJson(string Mechanism, int RoundingBase, Dictionary<string, string>? NoiseVariance, string? BudgetRho);
}
