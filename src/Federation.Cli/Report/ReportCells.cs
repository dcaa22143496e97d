using Federation.Cli.Output;
using Federation.Contracts.V1;

namespace Federation.Cli.Report;

/// <summary>
/// How a figure of the gateway is shown: the number in the page's language with the Statistics Canada symbol
/// ("1 234 E"), "F" alone for a cell too unreliable to publish (never its number), ".." when not available.
/// </summary>
internal static class ReportCells
{
    /// <summary>Whether the row's number may be shown at all.</summary>
    public static bool ShowsNumber(QueryRow row) => row.Status is CellStatus.Available or CellStatus.UseWithCaution;

    public static string Symbol(CellStatus status) => QueryResultWriter.Symbol(status);

    public static string Value(QueryRow row, ReportLanguage language) => row.Status switch
    {
        CellStatus.Available => language.Number(row.Value),
        CellStatus.UseWithCaution => language.Number(row.Value) + "\u00A0E",
        CellStatus.TooUnreliable => "F",
        _ => "..",
    };

    /// <summary>The 95% margin, or "" where the number is not shown or there is no protection error.</summary>
    public static string Margin(QueryRow row, ReportLanguage language) =>
        ShowsNumber(row) && row.Margin > 0 ? language.Margin(row.Margin) : string.Empty;
}
