using System.Text.Json;
using System.Text.Json.Nodes;
using Federation.Sdk.Synthetic;
using Json.Schema;

namespace Federation.Sdk.Adapters.Hsds.Tests;

/// <summary>
/// The synthetic HSDS feed the conformance suite reads is checked against the HSDS 3.1 JSON schemas of the
/// specification (tests/testdata/hsds/schema, read as published; the one departure is added in memory).
/// </summary>
public sealed class SyntheticHsdsTests : IDisposable
{
    private static readonly DateTimeOffset s_now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Uri s_base = new("https://hsds.test/schema/");

    private readonly string _folder = Directory.CreateTempSubdirectory("synthetic-hsds-").FullName;

    [Fact]
    public void Every_service_of_the_synthetic_feed_is_valid_HSDS_3_1_but_for_the_proposed_redacted_location_type()
    {
        var directory = SyntheticDirectoryData.Directory("ON", seed: 41, s_now);
        var files = SyntheticHsds.Write(_folder, directory);
        var service = ServiceSchema(allowRedacted: true);

        var services = 0;
        var errors = new List<string>();
        foreach (var file in files)
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            foreach (var item in document.RootElement.GetProperty("contents").EnumerateArray())
            {
                services++;
                errors.AddRange(Errors(service, item).Select(e => $"{Path.GetFileName(file)} {item.GetProperty("id")}: {e}"));
            }
        }

        Assert.Equal(directory.ServiceIds.Count, services);
        Assert.True(directory.Rows.Any(r => r["location_type"] == "redacted"), "the directory has no redacted location to check");
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors.Take(20)));
    }

    [Fact]
    public void The_schemas_as_published_refuse_a_redacted_location_and_a_service_without_status()
    {
        var schema = ServiceSchema(allowRedacted: false);
        var facility = SyntheticDirectoryData.Directory("NS", seed: 41, s_now).Rows.First(r => r["location_type"] == "redacted");
        SyntheticHsds.Write(_folder, new SyntheticDirectory("NS", [facility]));
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_folder, "services-001.json")));
        var item = document.RootElement.GetProperty("contents")[0];
        var withoutStatus = JsonNode.Parse(item.GetRawText())!.AsObject();
        withoutStatus.Remove("status");

        Assert.Contains(Errors(schema, item), e => e.StartsWith("/service_at_locations/0/location/location_type", StringComparison.Ordinal));
        Assert.NotEmpty(Errors(schema, JsonSerializer.SerializeToElement(withoutStatus)));
    }

    [Fact]
    public void The_same_directory_is_written_as_the_same_bytes()
    {
        var directory = SyntheticDirectoryData.Directory("NS", seed: 41, s_now);
        var first = SyntheticHsds.Write(Path.Combine(_folder, "a"), directory, servicesPerFile: 7).Select(File.ReadAllBytes).ToArray();
        var second = SyntheticHsds.Write(Path.Combine(_folder, "b"), directory, servicesPerFile: 7).Select(File.ReadAllBytes).ToArray();

        Assert.True(first.Length > 1);
        Assert.Equal(first, second);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// The specification's service schema, with the schemas it refers to registered under their file names so that
    /// their relative $refs resolve among themselves. With <paramref name="allowRedacted"/>, location_type also admits
    /// "redacted", which HSDS 3.1 lacks.
    /// </summary>
    private static JsonSchema ServiceSchema(bool allowRedacted)
    {
        // The schemas name no dialect; they are 2020-12 with data-package keywords of their own (name, constraints, core).
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 };
        JsonElement? service = null;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(HsdsExamples.Folder, "..", "schema"), "*.json"))
        {
            var name = Path.GetFileName(file);
            var node = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            if (allowRedacted && name == "location.json")
            {
                node["properties"]!["location_type"]!["enum"]!.AsArray().Add("redacted");
            }

            var element = JsonSerializer.SerializeToElement(node);
            if (name == "service.json")
            {
                service = element;
            }
            else if (name != "openapi.json")
            {
                options.SchemaRegistry.Register(new Uri(s_base, name), new JsonElementBaseDocument(element, new Uri(s_base, name)));
            }
        }

        return JsonSchema.Build(service ?? throw new FileNotFoundException("service.json is not among the HSDS schemas."), options, new Uri(s_base, "service.json"));
    }

    private static IEnumerable<string> Errors(JsonSchema schema, JsonElement instance)
    {
        var result = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid
            ? []
            : (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}"));
    }
}
