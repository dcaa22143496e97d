using System.Text.Json;

namespace Federation.Sdk.Transparency;

/// <summary>
/// What a verifier remembers between runs (one JSON file): the last checkpoint it verified, when, and the leaf hashes
/// it recomputed from the entries (auditors only), so a later rewrite can be located leaf by leaf.
/// </summary>
public sealed record LogAuditState(string Checkpoint, DateTimeOffset VerifiedAt, IReadOnlyList<string>? LeafHashes)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static LogAuditState? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<LogAuditState>(File.ReadAllText(path), s_json)
                ?? throw new FormatException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path} is not a log verification state file: {e.Message}", e);
        }
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, s_json));
        File.Move(temporary, path, overwrite: true);
    }
}
