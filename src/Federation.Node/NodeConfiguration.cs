using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Federation.Sdk.Hosting;

namespace Federation.Node;

/// <summary>
/// A node's configuration file (node.json): who the node is, where its keys and sources are, and which gateway it
/// reports to. Relative paths are resolved from the file's folder.
/// </summary>
public sealed class NodeConfiguration
{
    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>ISO 3166-2:CA code of the jurisdiction this node reports for, for example "ON".</summary>
    public string Jurisdiction { get; set; } = string.Empty;

    /// <summary>The node's name, also the common name of its certificate.</summary>
    public string NodeId { get; set; } = string.Empty;

    /// <summary>
    /// The dataset this node releases, read from <see cref="Sources"/> for <see cref="ReferenceYears"/> (optional when
    /// <see cref="Datasets"/> lists the node's datasets).
    /// </summary>
    public string DatasetId { get; set; } = string.Empty;

    /// <summary>
    /// Further datasets this node releases, each with its own sources and reference years (optional). The privacy budget
    /// and ledger are per dataset and reference year.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<DatasetSettings>? Datasets { get; set; }

    public GatewaySettings Gateway { get; set; } = new();

    public SigningSettings Signing { get; set; } = new();

    public ProtectionSettings Protection { get; set; } = new();

    /// <summary>Where the records of <see cref="DatasetId"/> come from: each an adapter (built in, or a plug-in) with its options.</summary>
    public List<SourceSettings> Sources { get; set; } = [];

    /// <summary>
    /// Folder of dataset documents (*.json) added to the SDK's catalogue (optional): a dataset defined as data only. The
    /// gateway must have the same documents (its Gateway:CatalogDirectory).
    /// </summary>
    [JsonPropertyName("catalog")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CatalogDirectory { get; set; }

    /// <summary>The datasets this node knows: the SDK's, and those of <see cref="CatalogDirectory"/>.</summary>
    public Sdk.Catalog.DatasetCatalog Catalog() =>
        _catalog ??= Sdk.Catalog.DatasetCatalog.WithDocumentsIn(CatalogDirectory is null ? null : Resolve(CatalogDirectory));

    private Sdk.Catalog.DatasetCatalog? _catalog;

    /// <summary>Folder of adapter plug-ins (optional): each assembly in it, or in a subfolder of it, may add adapters.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Plugins { get; set; }

    /// <summary>
    /// The SHA-256 (hex) of every code file in <see cref="Plugins"/>, by its path relative to that folder, for example
    /// <c>"jsonl/Jsonl.dll": "3f2a..."</c>. A file not pinned here, or changed since, is refused at start-up with its hash.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? PluginSha256 { get; set; }

    /// <summary>How often the node host runs (optional): absent, each <c>fed node run</c> runs once.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ScheduleSettings? Schedule { get; set; }

    /// <summary>
    /// The reference years this node releases (required), each as a full grid even when no victim was identified in it.
    /// They never come from the data: which years exist would disclose counts. A year is released only once the
    /// dataset's publication calendar makes its first edition due, and revised only at later editions.
    /// </summary>
    public List<int> ReferenceYears { get; set; } = [];

    /// <summary>The province's service directory and capacity feed, when this node publishes them (optional).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ServiceDirectorySettings? ServiceDirectory { get; set; }

    /// <summary>
    /// Folder for the outbox (outbox.db: every signed release, pending, delivered with its receipt, or refused),
    /// receipts and the privacy ledger (privacy/privacy-ledger.json). Back it up; never edit it.
    /// </summary>
    public string StateDirectory { get; set; } = "state";

    /// <summary>How patiently uploads are retried in one run (optional; defaults in <see cref="OutboxSettings"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OutboxSettings? Outbox { get; set; }

    /// <summary>Where the node exports traces and metrics (OTLP); leave out to export nothing.</summary>
    public Telemetry.NodeTelemetrySettings? Telemetry { get; set; }

    /// <summary>The folder relative paths are resolved from (the configuration file's folder).</summary>
    [JsonIgnore]
    public string BaseDirectory { get; set; } = Directory.GetCurrentDirectory();

    public string Resolve(string path) => Path.GetFullPath(path, BaseDirectory);

    /// <summary>Reads and validates a configuration file; errors name the setting at fault.</summary>
    public static NodeConfiguration Load(string path)
    {
        var configuration = Read(path);
        var problems = configuration.Validate();
        if (problems.Count > 0)
        {
            throw Unusable(Path.GetFullPath(path), problems);
        }

        return configuration;
    }

    /// <summary>A configuration file that cannot be used, with every problem on a line of its own.</summary>
    internal static NodeConfigurationException Unusable(string fullPath, IEnumerable<string> problems) =>
        new($"{fullPath}:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems));

    /// <summary>Reads a configuration file without validating its settings (the JSON must be well formed, with known settings only).</summary>
    internal static NodeConfiguration Read(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new NodeConfigurationException($"Node configuration '{fullPath}' does not exist.");
        }

        NodeConfiguration configuration;
        try
        {
            configuration = JsonSerializer.Deserialize<NodeConfiguration>(File.ReadAllText(fullPath), JsonOptions)
                ?? throw new NodeConfigurationException($"{fullPath}: the file is empty.");
        }
        catch (JsonException e)
        {
            throw new NodeConfigurationException($"{fullPath}: {e.Message}", e);
        }

        configuration.BaseDirectory = Path.GetDirectoryName(fullPath)!;
        return configuration;
    }

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions) + Environment.NewLine);

    /// <summary>Every problem with the settings, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Sdk.Catalog.Jurisdiction.IsValid(Jurisdiction))
        {
            problems.Add($"jurisdiction: '{Jurisdiction}' is not one of {string.Join(", ", Sdk.Catalog.Jurisdiction.All)}.");
        }

        if (string.IsNullOrWhiteSpace(NodeId))
        {
            problems.Add("nodeId: must be set.");
        }

        ValidateDatasets(problems);

        if (!Uri.TryCreate(Gateway.Address, UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttps && address.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add($"gateway.address: '{Gateway.Address}' is not an https:// address.");
        }

        RequireFile(problems, "gateway.trustRoot", Gateway.TrustRoot);
        RequireFile(problems, "gateway.logVerifierKey", Gateway.LogVerifierKey);
        if (Gateway.TokenIssuer is { } issuer && !Uri.TryCreate(issuer, UriKind.Absolute, out _))
        {
            problems.Add($"gateway.tokenIssuer: '{issuer}' is not an absolute address.");
        }

        RequireFile(problems, "signing.certificate", Signing.Certificate);
        RequireFile(problems, "signing.privateKey", Signing.PrivateKey);
        if (RequireFile(problems, "protection.keyFile", Protection.KeyFile) && Setup.NodeProtectionKey.Problem(Resolve(Protection.KeyFile)) is { } keyProblem)
        {
            problems.Add($"protection.keyFile: {keyProblem}");
        }

        ValidateServiceDirectory(problems);
        ValidateSources(problems);
        if (Plugins is not null && (string.IsNullOrWhiteSpace(Plugins) || !System.IO.Directory.Exists(Resolve(Plugins))))
        {
            problems.Add($"plugins: folder '{(string.IsNullOrWhiteSpace(Plugins) ? Plugins : Resolve(Plugins))}' does not exist.");
        }

        foreach (var (file, hash) in (PluginSha256 ?? []).Where(p => p.Value is null || p.Value.Length != 64 || !p.Value.All(char.IsAsciiHexDigit)))
        {
            problems.Add($"pluginSha256.{file}: '{hash}' is not a SHA-256 (64 hexadecimal digits).");
        }

        if (Schedule is not null)
        {
            if (Schedule.Every is not { } every)
            {
                problems.Add("schedule.every: must be set, for example \"1.00:00:00\" (daily); leave out schedule to run once per start.");
            }
            else if (ScheduleSettings.Problem(every) is { } problem)
            {
                problems.Add($"schedule.every: {problem}");
            }
        }

        Outbox?.Validate(problems);
        Telemetry?.Validate(problems);
        return problems;
    }

    /// <summary>
    /// The datasets this node releases, in the order configured: the top-level <see cref="DatasetId"/> (when set) with
    /// <see cref="Sources"/> and <see cref="ReferenceYears"/>, then each of <see cref="Datasets"/>.
    /// </summary>
    public IReadOnlyList<NodeDataset> StatisticsDatasets()
    {
        var datasets = new List<NodeDataset>();
        if (!string.IsNullOrEmpty(DatasetId) || Datasets is not { Count: > 0 })
        {
            datasets.Add(new NodeDataset(string.Empty, DatasetId, Sources, ReferenceYears) { SourceKind = SourceKindOf(DatasetId) });
        }

        datasets.AddRange((Datasets ?? []).Select((d, i) => new NodeDataset($"datasets[{i}].", d.DatasetId, d.Sources, d.ReferenceYears) { SourceKind = SourceKindOf(d.DatasetId) }));
        return datasets;
    }

    /// <summary>
    /// Every configured source, datasets' records first, with its setting path (for example "sources[0]" or
    /// "datasets[0].sources[1]") and its name: the one given, else the adapter's name and its position.
    /// </summary>
    public IReadOnlyList<ConfiguredSource> ConfiguredSources()
    {
        var records = StatisticsDatasets().SelectMany((dataset, d) => dataset.Sources.Select((s, i) =>
            new ConfiguredSource(
                $"{dataset.Setting}sources[{i}]",
                s.Name ?? (d == 0 ? $"{s.Adapter}-{i + 1}" : $"{s.Adapter}-{d + 1}-{i + 1}"),
                dataset.SourceKind,
                s)
            { DatasetId = dataset.DatasetId }));
        var directory = (ServiceDirectory?.Sources ?? []).Select((s, i) =>
            new ConfiguredSource($"serviceDirectory.sources[{i}]", s.Name ?? $"directory-{s.Adapter}-{i + 1}", NodeSourceKind.ServiceDirectory, s));
        return [.. records, .. directory];
    }

    // HTCDS case records for a dataset whose catalogue record names that vocabulary, else dataset records mapped to its fields.
    private NodeSourceKind SourceKindOf(string datasetId) =>
        TryCatalog()?.Find(datasetId)?.Record is { SourceVocabulary: null } ? NodeSourceKind.DatasetRecords : NodeSourceKind.CaseRecords;

    private Sdk.Catalog.DatasetCatalog? TryCatalog()
    {
        try
        {
            return Catalog();
        }
        catch (InvalidDataException)
        {
            return null; // Validate names it.
        }
    }

    private void ValidateDatasets(List<string> problems)
    {
        Sdk.Catalog.DatasetCatalog catalogue;
        try
        {
            catalogue = Catalog();
        }
        catch (InvalidDataException e)
        {
            problems.Add($"catalog: {e.Message}");
            return;
        }

        var thisYear = DateTime.UtcNow.Year;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dataset in StatisticsDatasets())
        {
            if (catalogue.Find(dataset.DatasetId) is not { } definition)
            {
                problems.Add($"{dataset.Setting}datasetId: '{dataset.DatasetId}' is not a known dataset ({string.Join(", ", catalogue.Datasets.Select(d => d.Id))}).");
            }
            else if (definition.Record is null)
            {
                problems.Add($"{dataset.Setting}datasetId: '{dataset.DatasetId}' has no record definition in the catalogue; no node produces it.");
            }
            else if (!seen.Add(dataset.DatasetId))
            {
                problems.Add($"{dataset.Setting}datasetId: '{dataset.DatasetId}' is listed twice; list each dataset once, with all its sources.");
            }

            if (dataset.ReferenceYears.Count == 0)
            {
                problems.Add($"{dataset.Setting}referenceYears: list the reference years this node releases, such as [2023, 2024, 2025]; they are never taken from the data.");
            }

            foreach (var year in dataset.ReferenceYears.Where(y => y < 1900 || y > thisYear))
            {
                problems.Add($"{dataset.Setting}referenceYears: {year} is not a past or current year.");
            }

            if (dataset.Sources.Count == 0)
            {
                problems.Add($"{dataset.Setting}sources: at least one source is needed.");
            }
        }
    }

    private void ValidateSources(List<string> problems)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in ConfiguredSources())
        {
            if (string.IsNullOrWhiteSpace(source.Settings.Adapter))
            {
                problems.Add($"{source.Setting}.adapter: must be set, for example \"csv\".");
            }

            if (source.Settings.Name is not null && !SourceSettings.IsValidName(source.Settings.Name))
            {
                problems.Add($"{source.Setting}.name: '{source.Settings.Name}' is not a name of letters, digits, '-', '_' or '.'.");
            }
            else if (!seen.TryAdd(source.Name, source.Setting))
            {
                problems.Add($"{source.Setting}.name: '{source.Name}' is already the name of {seen[source.Name]}; source names must be unique.");
            }
        }
    }

    /// <summary>Whether the file <paramref name="path"/> names exists; adds the problem when not.</summary>
    private bool RequireFile(List<string> problems, string setting, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            problems.Add($"{setting}: must be set.");
            return false;
        }

        if (!File.Exists(Resolve(path)))
        {
            problems.Add($"{setting}: file '{Resolve(path)}' does not exist.");
            return false;
        }

        return true;
    }

    private void ValidateServiceDirectory(List<string> problems)
    {
        if (ServiceDirectory is null)
        {
            return;
        }

        if (ServiceDirectory.Sources.Count == 0)
        {
            problems.Add("serviceDirectory.sources: at least one directory source is needed.");
        }

        if (ServiceDirectory.CapacityFeed is not null)
        {
            RequireFile(problems, "serviceDirectory.capacityFeed", ServiceDirectory.CapacityFeed);
        }
    }

    /// <summary>The gateway the node reports to.</summary>
    public sealed class GatewaySettings
    {
        public string Address { get; set; } = string.Empty;

        /// <summary>PEM file of the federation root; the gateway's TLS certificate must chain to it.</summary>
        public string TrustRoot { get; set; } = string.Empty;

        /// <summary>
        /// File holding the transparency log's verifier key (one line, &lt;name&gt;+&lt;key id&gt;+&lt;key&gt;), obtained from
        /// the federation operator. Receipts are kept only when their checkpoint is signed by it.
        /// </summary>
        public string LogVerifierKey { get; set; } = string.Empty;

        /// <summary>The node's OAuth 2.0 client id; defaults to <see cref="NodeId"/> (the certificate's common name).</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? ClientId { get; set; }

        /// <summary>The token server's issuer address; defaults to the gateway's address (the gateway hosts it).</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? TokenIssuer { get; set; }
    }

    /// <summary>The node's signing certificate and key (PEM).</summary>
    public sealed class SigningSettings
    {
        public string Certificate { get; set; } = string.Empty;

        public string PrivateKey { get; set; } = string.Empty;
    }

    /// <summary>
    /// The node's secret key (32 or more random bytes, kept on the node, outside the state folder): under noise it keys the
    /// digest by which the node recognizes unchanged data and the generator of each release's noise (the same counts at
    /// the same edition always get the same noise); under random rounding, each cell's draw.
    /// </summary>
    public sealed class ProtectionSettings
    {
        public string KeyFile { get; set; } = string.Empty;
    }

    /// <summary>Where the node's service directory comes from: directory sources, and an optional capacity feed (CSV) for frequent updates.</summary>
    public sealed class ServiceDirectorySettings
    {
        /// <summary>Directory sources: for example adapter "csv" (a file) or "hsds" (an HSDS 3.1 JSON file or folder), with their options.</summary>
        public List<SourceSettings> Sources { get; set; } = [];

        /// <summary>CSV capacity feed; counts newer than the last sent go out as small capacity-only updates.</summary>
        public string? CapacityFeed { get; set; }
    }

    /// <summary>
    /// Retries of uploads from the outbox in one run: up to <see cref="AttemptsPerRun"/> attempts per release, waiting
    /// from <see cref="InitialBackoffSeconds"/>, doubling, to at most <see cref="MaxBackoffSeconds"/> (with jitter).
    /// What is still pending is sent on the next run.
    /// </summary>
    public sealed class OutboxSettings
    {
        public int AttemptsPerRun { get; set; } = Sdk.Publishing.OutboxRetryPolicy.Default.AttemptsPerRun;

        public double InitialBackoffSeconds { get; set; } = Sdk.Publishing.OutboxRetryPolicy.Default.InitialBackoff.TotalSeconds;

        public double MaxBackoffSeconds { get; set; } = Sdk.Publishing.OutboxRetryPolicy.Default.MaxBackoff.TotalSeconds;

        public Sdk.Publishing.OutboxRetryPolicy ToPolicy() =>
            new(AttemptsPerRun, TimeSpan.FromSeconds(InitialBackoffSeconds), TimeSpan.FromSeconds(MaxBackoffSeconds));

        internal void Validate(List<string> problems)
        {
            if (AttemptsPerRun is < 1 or > 100)
            {
                problems.Add($"outbox.attemptsPerRun: {AttemptsPerRun} must be between 1 and 100.");
            }

            if (!(InitialBackoffSeconds is > 0 and <= 3600))
            {
                problems.Add($"outbox.initialBackoffSeconds: {InitialBackoffSeconds} must be more than 0 and at most 3600.");
            }

            if (!(MaxBackoffSeconds >= InitialBackoffSeconds && MaxBackoffSeconds <= 3600))
            {
                problems.Add($"outbox.maxBackoffSeconds: {MaxBackoffSeconds} must be at least outbox.initialBackoffSeconds ({InitialBackoffSeconds}) and at most 3600.");
            }
        }
    }

    /// <summary>One more dataset the node releases: its id, its sources and its reference years.</summary>
    public sealed class DatasetSettings
    {
        public string DatasetId { get; set; } = string.Empty;

        /// <summary>Where the dataset's records come from; source names are unique across the whole node.</summary>
        public List<SourceSettings> Sources { get; set; } = [];

        /// <summary>The reference years released for this dataset (for a fiscal-year dataset, 2023 is 2023/24).</summary>
        public List<int> ReferenceYears { get; set; } = [];
    }

    /// <summary>One source: the adapter that reads it and the adapter's options.</summary>
    public sealed class SourceSettings
    {
        /// <summary>The source's name in messages and reports (optional; default the adapter's name and position, for example "csv-1").</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Name { get; set; }

        /// <summary>The adapter's name, for example "csv", "hsds" or a plug-in's.</summary>
        public string Adapter { get; set; } = string.Empty;

        /// <summary>The adapter's options (its README lists them); relative paths are resolved from the configuration's folder.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public JsonObject? Options { get; set; }

        internal static bool IsValidName(string name) =>
            name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
    }

    /// <summary>When the node host runs.</summary>
    public sealed class ScheduleSettings
    {
        /// <summary>The shortest interval between runs: more often only spends privacy budget and gateway capacity.</summary>
        public static readonly TimeSpan ShortestInterval = TimeSpan.FromMinutes(1);

        /// <summary>The interval between runs, as days.hours:minutes:seconds, for example "1.00:00:00" (daily) or "06:00:00".</summary>
        public TimeSpan? Every { get; set; }

        /// <summary>Why an interval cannot be used, or null when it can.</summary>
        public static string? Problem(TimeSpan every) =>
            every <= TimeSpan.Zero ? $"'{every}' is not a positive interval."
            : every < ShortestInterval ? $"'{every}' is shorter than the shortest interval, {ShortestInterval}."
            : null;
    }
}

/// <summary>A source as configured: its setting path (for example "sources[0]"), its name, kind and settings.</summary>
public sealed record ConfiguredSource(string Setting, string Name, NodeSourceKind Kind, NodeConfiguration.SourceSettings Settings)
{
    /// <summary>The dataset whose records it gives; null for a service directory source.</summary>
    public string? DatasetId { get; init; }
}

/// <summary>
/// One dataset a node releases: where it is configured (<see cref="Setting"/> is "" for the top-level dataset, else
/// "datasets[i]."), its sources and reference years.
/// </summary>
public sealed record NodeDataset(string Setting, string DatasetId, IReadOnlyList<NodeConfiguration.SourceSettings> Sources, IReadOnlyList<int> ReferenceYears)
{
    /// <summary>
    /// The kind of source its adapters give: HTCDS case records for a dataset whose catalogue record names that vocabulary,
    /// else dataset records mapped to the catalogue's fields.
    /// </summary>
    public NodeSourceKind SourceKind { get; init; } = NodeSourceKind.CaseRecords;
}

/// <summary>A node configuration that cannot be used; the message names the setting.</summary>
public sealed class NodeConfigurationException : Exception
{
    public NodeConfigurationException(string message)
        : base(message)
    {
    }

    public NodeConfigurationException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
