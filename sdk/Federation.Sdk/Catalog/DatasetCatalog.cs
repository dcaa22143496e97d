using System.Reflection;
using System.Text.Json;

namespace Federation.Sdk.Catalog;

/// <summary>
/// The published datasets. The catalogue is data: each dataset is a JSON document embedded in the SDK
/// (Catalog/Datasets/*.json), so adding a table or a dataset changes no code.
/// </summary>
public sealed class DatasetCatalog
{
    private static readonly Lazy<DatasetCatalog> s_default = new(LoadEmbedded);

    public DatasetCatalog(IEnumerable<DatasetDefinition> datasets)
    {
        Datasets = datasets.OrderBy(d => d.Id, StringComparer.Ordinal).ToArray();
        if (Datasets.Select(d => d.Id).Distinct(StringComparer.Ordinal).Count() != Datasets.Count)
        {
            throw new ArgumentException("The catalogue names a dataset twice.", nameof(datasets));
        }
    }

    /// <summary>The datasets embedded in this version of the SDK.</summary>
    public static DatasetCatalog Default => s_default.Value;

    public IReadOnlyList<DatasetDefinition> Datasets { get; }

    public DatasetDefinition? Find(string id) => Datasets.FirstOrDefault(d => d.Id == id);

    /// <summary>The dataset with this id, or a <see cref="KeyNotFoundException"/> that lists the known ones.</summary>
    public DatasetDefinition Get(string id) =>
        Find(id) ?? throw new KeyNotFoundException(
            $"Unknown dataset '{id}'. Known datasets: {string.Join(", ", Datasets.Select(d => d.Id))}.");

    private static DatasetCatalog LoadEmbedded()
    {
        var assembly = typeof(DatasetCatalog).Assembly;
        const string prefix = "Federation.Sdk.Catalog.Datasets.";
        var datasets = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Select(n => Load(assembly, n));
        return new DatasetCatalog(datasets);
    }

    private static DatasetDefinition Load(Assembly assembly, string resourceName)
    {
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Missing catalogue resource {resourceName}.");
        return DatasetDocument.Parse(stream, resourceName);
    }
}
