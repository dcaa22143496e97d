using System.Text;
using System.Text.Json;
using Federation.Sdk.Synthetic;

namespace Federation.Samples.JsonLinesAdapter.Tests;

/// <summary>A JSON Lines case export in the temp folder, written from synthetic cases; deleted on dispose.</summary>
internal sealed class CaseExport : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"cases-{Guid.NewGuid():N}.jsonl");

    /// <summary>Writes one line per case, as a case-management system exports it: blank text and absent dates as null.</summary>
    public void Write(IEnumerable<SyntheticCase> cases)
    {
        using var file = new StreamWriter(Path, append: false, new UTF8Encoding(false));
        foreach (var c in cases)
        {
            var fields = c.Fields();
            file.WriteLine(JsonSerializer.Serialize(new
            {
                caseId = c.CaseId,
                identificationDate = NullIfBlank(fields[3]),
                traffickingStatus = NullIfBlank(c.TraffickingStatus),
                person = new
                {
                    name = NullIfBlank(c.PersonName),
                    birthDate = NullIfBlank(fields[2]),
                    gender = NullIfBlank(c.Gender),
                    indigenousIdentity = NullIfBlank(c.IndigenousIdentity),
                    citizenship = List(c.Citizenship),
                    residenceStatus = NullIfBlank(c.ResidenceStatus),
                },
                exploitationTypes = List(c.ExploitationTypes),
                relationshipToTrafficker = NullIfBlank(c.RelationshipToTrafficker),
            }));
        }
    }

    public void WriteLines(params string[] lines) => File.WriteAllLines(Path, lines, new UTF8Encoding(false));

    public void Dispose() => File.Delete(Path);

    private static string? NullIfBlank(string text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static string[] List(string text) => text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
