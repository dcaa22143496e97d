using System.Globalization;
using System.Text;
using Federation.Contracts.V1;

namespace Federation.Cli.Report;

/// <summary>One bar: its label and the gateway's row (value, status, 95% margin).</summary>
internal sealed record ChartBar(Label Label, QueryRow Row)
{
    /// <summary>Only figures that may be published are drawn: not F (too unreliable) and not .. (not available).</summary>
    public bool IsDrawn => Row.Status is CellStatus.Available or CellStatus.UseWithCaution;
}

/// <summary>
/// A horizontal bar chart with 95% error bars, as inline SVG (no script, no external resource). The SVG is an image
/// named by its title and described by its text alternative; the same figures are always given as a table after it.
/// Bars of F and .. cells are not drawn: their row shows the symbol, never a number.
/// </summary>
internal static class BarChart
{
    private const int Width = 760;
    private const int LabelWidth = 300;
    private const int RowHeight = 28;
    private const int Top = 12;
    private const int AxisHeight = 34;
    private const int PlotLeft = LabelWidth + 10;
    private const int PlotRight = Width - 70;

    /// <summary>Bar colour: 7.1:1 against white (WCAG AA needs 3:1 for graphics).</summary>
    public const string BarColour = "#1d4f7c";

    public static string Render(string id, string title, string description, IReadOnlyList<ChartBar> bars, ReportLanguage language)
    {
        var height = Top + (bars.Count * RowHeight) + AxisHeight;
        var max = bars.Where(b => b.IsDrawn).Select(b => b.Row.Value + Math.Max(0, b.Row.Margin)).DefaultIfEmpty(1).Max();
        var (axisMax, step) = NiceAxis(max);
        double X(double value) => PlotLeft + (Math.Clamp(value, 0, axisMax) / axisMax * (PlotRight - PlotLeft));

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {Width} {height}\" aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{Encode(title)}</title><desc id=\"{id}-desc\">{Encode(description)}</desc>");
        var axisY = Top + (bars.Count * RowHeight) + 4;
        for (var tick = 0.0; tick <= axisMax + 1e-9; tick += step)
        {
            var x = F(X(tick));
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x}\" y1=\"{Top - 4}\" x2=\"{x}\" y2=\"{axisY}\" class=\"grid\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x}\" y=\"{axisY + 18}\" text-anchor=\"middle\" class=\"tick\">{Encode(language.Number((long)tick))}</text>");
        }

        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var y = Top + (i * RowHeight);
            var middle = F(y + (RowHeight / 2.0));
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth}\" y=\"{middle}\" dy=\"0.35em\" text-anchor=\"end\" class=\"label\"{LangAttribute(bar.Label)}>{Encode(bar.Label.Text)}</text>");
            if (!bar.IsDrawn)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{PlotLeft + 6}\" y=\"{middle}\" dy=\"0.35em\" class=\"symbol\">{Encode(ReportCells.Symbol(bar.Row.Status))}</text>");
                continue;
            }

            var value = bar.Row.Value;
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{PlotLeft}\" y=\"{F(y + 5)}\" width=\"{F(X(value) - PlotLeft)}\" height=\"{RowHeight - 10}\" fill=\"{BarColour}\"/>");
            var end = X(value);
            if (bar.Row.Margin > 0)
            {
                var low = F(X(value - bar.Row.Margin));
                var high = F(X(value + bar.Row.Margin));
                end = X(value + bar.Row.Margin);
                svg.Append(CultureInfo.InvariantCulture, $"<path class=\"error\" d=\"M{low} {middle}H{high}M{low} {F(y + 8)}V{F(y + RowHeight - 8)}M{high} {F(y + 8)}V{F(y + RowHeight - 8)}\"/>");
            }

            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(end + 6)}\" y=\"{middle}\" dy=\"0.35em\" class=\"value\">{Encode(ReportCells.Value(bar.Row, language))}</text>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>The chart's text alternative: what it shows, its largest published figure, and what it leaves out.</summary>
    public static string Describe(IReadOnlyList<ChartBar> bars, ReportLanguage language)
    {
        var drawn = bars.Where(b => b.IsDrawn).ToArray();
        if (drawn.Length == 0)
        {
            return language[ReportTexts.NothingToChart];
        }

        var largest = drawn.MaxBy(b => b.Row.Value)!;
        var text = language.Format(ReportTexts.Largest, largest.Label.Text, ReportCells.Value(largest.Row, language));
        var hidden = bars.Where(b => !b.IsDrawn).Select(b => $"{b.Label.Text} ({ReportCells.Symbol(b.Row.Status)})").ToArray();
        return hidden.Length == 0 ? text : text + " " + language.Format(ReportTexts.NotShownInChart, string.Join(", ", hidden));
    }

    /// <summary>An axis end at or above <paramref name="max"/> and a step of 1, 2 or 5 times a power of ten giving 4 to 10 ticks.</summary>
    internal static (double Max, double Step) NiceAxis(double max)
    {
        max = Math.Max(max, 1);
        var power = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var factor in new[] { 0.1, 0.2, 0.5, 1.0, 2.0, 5.0 })
        {
            var step = Math.Max(1, power * factor);
            if (Math.Ceiling(max / step) <= 10)
            {
                return (Math.Ceiling(max / step) * step, step);
            }
        }

        return (Math.Ceiling(max / (power * 10)) * power * 10, power * 10);
    }

    private static string LangAttribute(Label label) => label.Lang is { } lang ? $" lang=\"{lang}\"" : string.Empty;

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Encode(string text) => Html.Encode(text);
}
