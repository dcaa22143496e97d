using System.Text;

namespace Federation.Sdk.Adapters.Csv.Tests;

/// <summary>A CSV file in the temp folder, deleted on dispose.</summary>
internal sealed class TempCsv : IDisposable
{
    public const string Header =
        "case_id,person_name,birth_date,identification_date,gender,exploitation_types,indigenous_identity,citizenship,residence_status,relationship_to_trafficker,trafficking_status";

    private TempCsv(string path) => Path = path;

    public string Path { get; }

    public static TempCsv Empty() => new(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"cases-{Guid.NewGuid():N}.csv"));

    public static TempCsv With(string content, bool byteOrderMark = false)
    {
        var file = Empty();
        File.WriteAllText(file.Path, content, new UTF8Encoding(byteOrderMark));
        return file;
    }

    public void Dispose() => File.Delete(Path);
}
