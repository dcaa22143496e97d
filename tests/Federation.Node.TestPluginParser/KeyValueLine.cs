namespace Federation.Node.TestPluginParser;

/// <summary>
/// Parses "key=value;key=value" lines. The test plug-in's own dependency: the node does not have it, so the plug-in
/// can use it only if its load context resolves it from the plug-in's folder.
/// </summary>
public static class KeyValueLine
{
    public static IReadOnlyDictionary<string, string> Parse(string line, char separator)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in line.Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"'{part}' is not key=value.");
            }

            fields[part[..equals]] = part[(equals + 1)..];
        }

        return fields;
    }
}
