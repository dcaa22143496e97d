namespace Federation.Cli.Report;

/// <summary>The names of the report's files, relative to its folder: one page per language, one CSV per chart or table.</summary>
internal static class ReportFiles
{
    public const string DataFolder = "data";

    public static string Page(ReportLanguage language) => $"{language.Code}/index.html";

    public static string National(string datasetId) => $"{DataFolder}/{datasetId}.national.csv";

    public static string ByJurisdiction(string datasetId) => $"{DataFolder}/{datasetId}.jurisdictions.csv";

    public static string Breakdown(string datasetId, string dimensionId, int year) => $"{DataFolder}/{datasetId}.{dimensionId}.{year}.csv";

    public static string SafeHousing(int year) => $"{DataFolder}/safe-housing.{year}.csv";

    public const string DirectoryCapacity = DataFolder + "/directory-capacity.csv";

    public const string Provenance = DataFolder + "/provenance.csv";

    /// <summary>A file's address as a link from a page (pages are one folder down).</summary>
    public static string FromPage(string file) => "../" + file;
}
