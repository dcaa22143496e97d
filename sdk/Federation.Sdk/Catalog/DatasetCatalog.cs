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

    /// <summary>
    /// The embedded datasets and those of the dataset documents (*.json) in <paramref name="folder"/> (none when null):
    /// a dataset defined only as data, for a federation that adds one before an SDK release embeds it.
    /// </summary>
    /// <exception cref="InvalidDataException">A document is not a valid dataset, or names a dataset already known.</exception>
    public static DatasetCatalog WithDocumentsIn(string? folder)
    {
        if (folder is null)
        {
            return Default;
        }

        if (!Directory.Exists(folder))
        {
            throw new InvalidDataException($"Catalogue folder '{folder}' does not exist.");
        }

        var added = Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).Select(path =>
        {
            using var stream = File.OpenRead(path);
            return DatasetDocument.Parse(stream, path);
        }).ToArray();
        foreach (var dataset in added.Where(d => Default.Find(d.Id) is not null))
        {
            throw new InvalidDataException($"Catalogue folder '{folder}' defines dataset '{dataset.Id}', which the SDK already defines.");
        }

        try
        {
            return new DatasetCatalog([.. Default.Datasets, .. added]);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Catalogue folder '{folder}': {e.Message}", e);
        }
    }

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
