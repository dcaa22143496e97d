using System.Text;
using System.Text.RegularExpressions;
using Federation.Sdk.Hosting;
using Federation.Sdk.Records;
using Federation.Sdk.ServiceDirectory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Federation.Node.Adapters;

/// <summary>
/// Makes a node's configured sources: for each, calls its adapter's <see cref="NodeAdapterAttribute"/> method with the
/// source's options, then validates the options (<c>ValidateOnStart</c>) and creates the source. Each source gets its
/// own services, so one source's bad option cannot hide another's; every problem names its setting, for example
/// "sources[0].options.path: file '/data/cases.csv' does not exist.".
/// </summary>
public sealed partial class NodeSourceFactory
{
    private readonly NodeConfiguration _configuration;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;

    public NodeSourceFactory(NodeConfiguration configuration, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null, AdapterCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _configuration = configuration;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Catalog = catalog ?? AdapterCatalog.Create(configuration.Plugins is { } plugins ? configuration.Resolve(plugins) : null, configuration.PluginSha256);
    }

    public AdapterCatalog Catalog { get; }

    /// <summary>
    /// Which adapter reads each configured source of this kind, in the order configured:
    /// "intake (adapter 'jsonl', plug-in '/opt/federation/plugins/jsonl/Jsonl.dll')".
    /// </summary>
    public IReadOnlyList<string> Describe(NodeSourceKind kind) =>
        [.. _configuration.ConfiguredSources().Where(s => s.Kind == kind).Select(s => Catalog.Find(s.Settings.Adapter ?? string.Empty, kind) is { } adapter
            ? $"{s.Name} (adapter '{adapter.Name}', {adapter.Describe()})"
            : $"{s.Name} (adapter '{s.Settings.Adapter}', not found)")];

    /// <summary>Which adapter reads each configured source of one dataset's records, in the order configured.</summary>
    public IReadOnlyList<string> DescribeDataset(string datasetId) =>
        [.. _configuration.ConfiguredSources().Where(s => s.DatasetId == datasetId).Select(s => Catalog.Find(s.Settings.Adapter ?? string.Empty, s.Kind) is { } adapter
            ? $"{s.Name} (adapter '{adapter.Name}', {adapter.Describe()})"
            : $"{s.Name} (adapter '{s.Settings.Adapter}', not found)")];

    /// <summary>
    /// Every problem with the plug-ins, the adapters and their options, each naming its setting. Creates each source
    /// and releases it again; reads nothing.
    /// </summary>
    public IReadOnlyList<string> Check()
    {
        using var sources = Create(_ => true, out var problems);
        return problems;
    }

    /// <summary>Creates the configured sources of one kind (or all); throws <see cref="NodeConfigurationException"/> naming every problem.</summary>
    public NodeSourceSet Create(NodeSourceKind? kind = null) => Create(s => kind is null || s.Kind == kind);

    /// <summary>Creates the sources of every dataset's records (case records and dataset records).</summary>
    public NodeSourceSet CreateRecordSources() => Create(s => s.DatasetId is not null);

    private NodeSourceSet Create(Func<ConfiguredSource, bool> which)
    {
        var sources = Create(which, out var problems);
        if (problems.Count > 0)
        {
            sources.Dispose();
            throw new NodeConfigurationException(string.Join(Environment.NewLine, problems));
        }

        return sources;
    }

    private NodeSourceSet Create(Func<ConfiguredSource, bool> which, out IReadOnlyList<string> problems)
    {
        var found = new List<string>(Catalog.Problems);
        var created = new List<(ConfiguredSource Source, NodeAdapter Adapter, NodeSources Built)>();
        foreach (var source in _configuration.ConfiguredSources().Where(which))
        {
            if (string.IsNullOrWhiteSpace(source.Settings.Adapter))
            {
                continue; // NodeConfiguration.Validate names it.
            }

            if (Catalog.Find(source.Settings.Adapter, source.Kind) is not { } adapter)
            {
                found.Add($"{source.Setting}.adapter: {Catalog.Unknown(source.Settings.Adapter, source.Kind)}");
                continue;
            }

            var built = Build(source, adapter, found);
            if (built is not null)
            {
                created.Add((source, adapter, built));
            }
        }

        problems = found;
        return new NodeSourceSet(created);
    }

    private NodeSources? Build(ConfiguredSource source, NodeAdapter adapter, List<string> problems)
    {
        var node = new NodeBuilder();
        node.Services.AddSingleton(new NodeFiles(_configuration.BaseDirectory));
        node.Services.AddSingleton(_timeProvider);
        node.Services.AddSingleton(_loggerFactory);
        node.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        try
        {
            adapter.AddTo(node, source.Name, Options(source.Settings));
            var names = source.Kind switch
            {
                NodeSourceKind.CaseRecords => node.CaseSourceNames,
                NodeSourceKind.DatasetRecords => node.RecordSourceNames,
                _ => node.DirectorySourceNames,
            };
            if (names.Count != 1 || names[0] != source.Name || node.CaseSourceNames.Count + node.DirectorySourceNames.Count + node.RecordSourceNames.Count != 1)
            {
                problems.Add($"{source.Setting}.adapter: adapter '{adapter.Name}' ({adapter.Origin}) did not add exactly one source of {AdapterCatalog.Describe(source.Kind)} named '{source.Name}'.");
                return null;
            }

            return node.Build();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            problems.AddRange(Describe(source, adapter, e));
            return null;
        }
    }

    private static IConfiguration Options(NodeConfiguration.SourceSettings settings)
    {
        var builder = new ConfigurationBuilder();
        if (settings.Options is { } options)
        {
            builder.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(options.ToJsonString())));
        }

        return builder.Build();
    }

    /// <summary>An adapter's refusal as problems naming the setting of each option at fault.</summary>
    private static IEnumerable<string> Describe(ConfiguredSource source, NodeAdapter adapter, Exception error)
    {
        var options = source.Setting + ".options";
        switch (error)
        {
            case AggregateException aggregate:
                return aggregate.Flatten().InnerExceptions.SelectMany(e => Describe(source, adapter, e));
            case OptionsValidationException invalid:
                // Adapters start each failure with the option's key ("path: ..."), which becomes part of the setting.
                return invalid.Failures.Select(f => OptionKeyPrefix().IsMatch(f) ? $"{options}.{f}" : $"{options}: {f}");
            case InvalidOperationException when UnknownKeys().Match(error.Message) is { Success: true } unknown:
                return Quoted().Matches(unknown.Groups["keys"].Value)
                    .Select(k => $"{options}.{k.Groups[1].Value}: is not an option of adapter '{adapter.Name}' (its README lists them).");
            case InvalidOperationException when Unconvertible().Match(error.Message) is { Success: true } value:
                return [$"{options}.{CamelCaseKey(value.Groups["key"].Value)}: '{value.Groups["value"].Value}' is not a valid {value.Groups["type"].Value.Split('.')[^1]}."];
            default:
                return [$"{source.Setting}: adapter '{adapter.Name}' ({adapter.Origin}) refused its options: {error.Message}"];
        }
    }

    // The binder names properties (Path:Columns), the configuration file names keys (path.columns).
    private static string CamelCaseKey(string key) =>
        string.Join('.', key.Split(':').Select(k => k.Length > 0 ? char.ToLowerInvariant(k[0]) + k[1..] : k));

    [GeneratedRegex(@"^[A-Za-z][\w.\[\]]*: ")]
    private static partial Regex OptionKeyPrefix();

    // The configuration binder's message for keys that match no property (BinderOptions.ErrorOnUnknownConfiguration).
    [GeneratedRegex(@"ErrorOnUnknownConfiguration.*: (?<keys>'[^']*'(, '[^']*')*)\s*$", RegexOptions.Singleline)]
    private static partial Regex UnknownKeys();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex Quoted();

    // The configuration binder's message for a value it cannot convert to the option's type.
    [GeneratedRegex(@"configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex Unconvertible();
}

/// <summary>
/// A node's sources as created from its configuration, each named as configured and reporting an adapter's failure
/// with the source, the adapter and the last row read (<see cref="SourceReadException"/>); disposing it releases the
/// adapters' services.
/// </summary>
public sealed class NodeSourceSet : IDisposable
{
    private readonly IReadOnlyList<(ConfiguredSource Source, NodeAdapter Adapter, NodeSources Built)> _sources;

    internal NodeSourceSet(IReadOnlyList<(ConfiguredSource Source, NodeAdapter Adapter, NodeSources Built)> sources)
    {
        _sources = sources;
    }

    /// <summary>Each source by its configured name.</summary>
    public IReadOnlyList<KeyValuePair<string, ICaseRecordSource>> CaseSources =>
        [.. _sources.SelectMany(s => s.Built.CaseSources.Select(c => KeyValuePair.Create(c.Key, (ICaseRecordSource)new ReportedCaseRecordSource(c.Value, s.Source, s.Adapter))))];

    /// <summary>Each source by its configured name.</summary>
    public IReadOnlyList<KeyValuePair<string, IDirectorySource>> DirectorySources =>
        [.. _sources.SelectMany(s => s.Built.DirectorySources.Select(d => KeyValuePair.Create(d.Key, (IDirectorySource)new ReportedDirectorySource(d.Value, s.Source, s.Adapter))))];

    /// <summary>All case record sources, in the order configured.</summary>
    public IReadOnlyList<ICaseRecordSource> CaseRecords => [.. CaseSources.Select(s => s.Value)];

    /// <summary>
    /// The sources of one dataset's records, in the order configured: HTCDS case record sources read through the
    /// catalogue's HTCDS vocabulary, dataset record sources as they are.
    /// </summary>
    public IReadOnlyList<IDatasetRecordSource> RecordSourcesOf(string datasetId) =>
        [.. _sources.Where(s => s.Source.DatasetId == datasetId).SelectMany(s => s.Source.Kind == NodeSourceKind.CaseRecords
            ? s.Built.CaseSources.Select(c => new ReportedCaseRecordSource(c.Value, s.Source, s.Adapter).AsRecordSource())
            : s.Built.RecordSources.Select(r => (IDatasetRecordSource)new ReportedDatasetRecordSource(r.Value, s.Source, s.Adapter)))];

    public void Dispose()
    {
        foreach (var (_, _, built) in _sources)
        {
            built.Dispose();
        }
    }
}
