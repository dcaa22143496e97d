namespace Federation.Node.Adapters;

/// <summary>
/// An adapter's read ended with an exception: names the configured source, the adapter (and its plug-in file), and how
/// far the read got, so the province knows which source to look at and where, without a stack trace.
/// </summary>
public sealed class SourceReadException : Exception
{
    internal SourceReadException(ConfiguredSource source, NodeAdapter adapter, string position, Exception error)
        : base(
            $"{source.Setting} '{source.Name}' (adapter '{adapter.Name}', {adapter.Describe()}): the read failed {position}: "
            + $"{error.GetType().Name}: {error.Message} Nothing was sent; correct the source (or the adapter) and run again.",
            error)
    {
        SourceName = source.Name;
        AdapterName = adapter.Name;
        Position = position;
    }

    /// <summary>The source's name in the node's configuration.</summary>
    public string SourceName { get; }

    public string AdapterName { get; }

    /// <summary>How far the read got: "before the first row", or "after 41 rows (the last at 'cases.xml line 41')".</summary>
    public string Position { get; }
}
