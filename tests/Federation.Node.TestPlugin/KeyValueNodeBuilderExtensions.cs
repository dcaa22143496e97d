using Federation.Sdk.Hosting;
using Federation.Sdk.Records;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Federation.Node.TestPlugin;

/// <summary>
/// Adds a source of case records, or of any catalogue dataset's records, written as "key=value;..." lines, one record
/// per line (for dataset records, each key a field id or the name the columns option maps to one).
/// </summary>
public static class KeyValueNodeBuilderExtensions
{
    [NodeAdapter("keyvalue", NodeSourceKind.CaseRecords)]
    public static INodeBuilder AddKeyValueCaseSource(this INodeBuilder node, string name, IConfiguration options)
    {
        node.Services.AddOptions<KeyValueSourceOptions>(name)
            .Bind(options, binder => binder.ErrorOnUnknownConfiguration = true)
            .Validate<NodeFiles>(
                (o, files) => !string.IsNullOrWhiteSpace(o.Path) && File.Exists(files.Resolve(o.Path)),
                "path: the file of key=value lines must exist.")
            .ValidateOnStart();
        return node.AddCaseSource(name, services =>
        {
            var settings = services.GetRequiredService<IOptionsMonitor<KeyValueSourceOptions>>().Get(name);
            return new KeyValueCaseRecordSource(services.GetRequiredService<NodeFiles>().Resolve(settings.Path), settings.Separator);
        });
    }

    [NodeAdapter("keyvalue", NodeSourceKind.DatasetRecords)]
    public static INodeBuilder AddKeyValueRecordSource(this INodeBuilder node, string name, IConfiguration options)
    {
        node.Services.AddOptions<KeyValueSourceOptions>(name)
            .Bind(options, binder => binder.ErrorOnUnknownConfiguration = true)
            .Validate<NodeFiles>(
                (o, files) => !string.IsNullOrWhiteSpace(o.Path) && File.Exists(files.Resolve(o.Path)),
                "path: the file of key=value lines must exist.")
            .ValidateOnStart();
        return node.AddRecordSource(name, services =>
        {
            var settings = services.GetRequiredService<IOptionsMonitor<KeyValueSourceOptions>>().Get(name);
            return new KeyValueDatasetRecordSource(services.GetRequiredService<NodeFiles>().Resolve(settings.Path), settings);
        });
    }
}

/// <summary>The keyvalue adapter's options.</summary>
public sealed class KeyValueSourceOptions
{
    public string Path { get; set; } = string.Empty;

    public char Separator { get; set; } = ';';

    /// <summary>Dataset records: the key of a field not written under its own id (field id to key).</summary>
    public Dictionary<string, string> Columns { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class KeyValueDatasetRecordSource(string path, KeyValueSourceOptions options) : IDatasetRecordSource
{
    public string Name => System.IO.Path.GetFileName(path);

    public async IAsyncEnumerable<RecordRow> ReadAsync(Sdk.Catalog.RecordDefinition record, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var number = 0;
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            number++;
            var fields = TestPluginParser.KeyValueLine.Parse(line, options.Separator);
            var values = new DatasetRecord(record);
            foreach (var field in record.Fields)
            {
                if (fields.TryGetValue(options.Columns.GetValueOrDefault(field.Id, field.Id), out var value))
                {
                    if (field.Kind == Sdk.Catalog.RecordFieldKind.List)
                    {
                        values.SetList(field, value.Split(','));
                    }
                    else
                    {
                        values.Set(field, value);
                    }
                }
            }

            yield return RecordRow.Read($"{Name} line {number}", values);
        }
    }
}

internal sealed class KeyValueCaseRecordSource(string path, char separator) : ICaseRecordSource
{
    public string Name => System.IO.Path.GetFileName(path);

    public async IAsyncEnumerable<SourceRow> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var number = 0;
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            number++;
            var location = $"{Name} line {number}";
            var fields = TestPluginParser.KeyValueLine.Parse(line, separator);
            yield return fields.TryGetValue("caseId", out var caseId)
                ? SourceRow.Read(location, new CaseRecord
                {
                    CaseId = caseId,
                    BirthDate = fields.TryGetValue("birthDate", out var birth) ? DateOnly.Parse(birth, System.Globalization.CultureInfo.InvariantCulture) : null,
                    IdentificationDate = fields.TryGetValue("identified", out var identified) ? DateOnly.Parse(identified, System.Globalization.CultureInfo.InvariantCulture) : null,
                    Gender = fields.GetValueOrDefault("gender"),
                    TypesOfExploitation = fields.TryGetValue("exploitation", out var types) ? types.Split(',') : [],
                    IndigenousIdentity = fields.GetValueOrDefault("indigenous"),
                    Citizenship = fields.TryGetValue("citizenship", out var citizenship) ? citizenship.Split(',') : [],
                    RelationshipToTrafficker = fields.GetValueOrDefault("relationship"),
                    TraffickingStatus = fields.GetValueOrDefault("status"),
                })
                : SourceRow.Unreadable(location, "caseId is missing.");
        }
    }
}
