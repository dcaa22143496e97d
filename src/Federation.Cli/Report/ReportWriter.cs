using System.Text;
using Federation.Sdk.Transparency;

namespace Federation.Cli.Report;

/// <summary>Writes a report's folder: en/index.html, fr/index.html, data/*.csv and provenance/checkpoint.json.</summary>
internal static class ReportWriter
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes every file under <paramref name="folder"/> and returns their paths relative to it.</summary>
    public static IReadOnlyList<string> Write(ReportData report, string folder)
    {
        var written = new List<string>();
        void Save(string file, string content)
        {
            var path = Path.Combine(folder, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content, s_utf8);
            written.Add(file);
        }

        foreach (var language in ReportLanguage.All)
        {
            Save(ReportFiles.Page(language), ReportPage.Render(report, language));
        }

        foreach (var (file, content) in ReportCsv.Files(report))
        {
            Save(file, content);
        }

        // The checkpoint in the form `fed log verify --state` reads, so the report's own checkpoint is the starting point it checks from.
        var state = Path.Combine(folder, ReportProvenance.CheckpointFile);
        new LogAuditState(report.Provenance.SignedCheckpoint, report.GeneratedAt, LeafHashes: null).Save(state);
        written.Add(ReportProvenance.CheckpointFile);
        return written;
    }
}
