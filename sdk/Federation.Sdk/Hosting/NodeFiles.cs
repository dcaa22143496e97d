namespace Federation.Sdk.Hosting;

/// <summary>
/// Where a node's relative file paths are resolved from: the folder of its configuration file. The node host
/// registers one; an adapter resolves the paths in its options through it, so a configuration works from any working
/// directory.
/// </summary>
public sealed class NodeFiles
{
    public NodeFiles(string baseDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseDirectory);
        BaseDirectory = Path.GetFullPath(baseDirectory);
    }

    public string BaseDirectory { get; }

    /// <summary>An absolute path: <paramref name="path"/> itself when absolute, else relative to <see cref="BaseDirectory"/>.</summary>
    public string Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Path.GetFullPath(path, BaseDirectory);
    }
}
