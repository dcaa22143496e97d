using System.Globalization;
using System.Text;
using Federation.Contracts.V1;
using Federation.Sdk.Catalog;

namespace Federation.Cli.Report;

/// <summary>
/// Writes the report's page in one language: static, self-contained HTML (inline CSS and SVG, no script, no external
/// resource) with a print stylesheet. Headings, landmarks and tables are marked up for assistive technology; every
/// chart has a text alternative and is followed by its data as a table.
/// </summary>
internal sealed class ReportPage
{
    private readonly ReportData _report;
    private readonly ReportLanguage _language;
    private readonly StringBuilder _html = new();

    private ReportPage(ReportData report, ReportLanguage language)
    {
        _report = report;
        _language = language;
    }

    public static string Render(ReportData report, ReportLanguage language)
    {
        var page = new ReportPage(report, language);
        page.Write();
        return page._html.ToString();
    }

    private ReportLanguage L => _language;

    private string YearText => _report.Year.ToString(CultureInfo.InvariantCulture);

    private void Write()
    {
        var title = L.Format(ReportTexts.Title, YearText);
        Raw($"<!DOCTYPE html>\n<html lang=\"{L.Code}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        Raw($"<title>{E(title)}</title>\n<style>{ReportStyle.Css}</style>\n</head>\n<body>\n");
        Raw($"<a class=\"skip\" href=\"#main\">{E(L[ReportTexts.SkipToContent])}</a>\n");
        Raw("<header>\n");
        Raw($"<p class=\"lang\"><a href=\"{E(ReportFiles.FromPage(ReportFiles.Page(L.Other)))}\" lang=\"{L.Other.Code}\" hreflang=\"{L.Other.Code}\">{E(L[ReportTexts.OtherLanguage])}</a></p>\n");
        Raw($"<h1>{E(title)}</h1>\n");
        Raw($"<p>{E(L.Format(ReportTexts.Generated, ReportLanguage.Time(_report.GeneratedAt), _report.Provenance.Gateway.ToString(), L.Number(_report.Provenance.TreeSize)))}</p>\n");
        Raw($"<p class=\"notice\">{E(L[ReportTexts.Synthetic])}</p>\n");
        Raw("</header>\n");

        var sections = new List<(string Id, string Title, Action Body)>
        {
            ("summary", L[ReportTexts.Summary], Summary),
        };
        for (var i = 0; i < _report.Datasets.Count; i++)
        {
            var dataset = _report.Datasets[i];
            var id = $"dataset-{i + 1}";
            sections.Add((id, L.DatasetTitle(dataset.Definition).Text, () => Dataset(id, dataset)));
        }

        sections.Add(("safe-housing", L.Format(ReportTexts.HousingTitle, YearText), SafeHousingSection));
        sections.Add(("directory", L[ReportTexts.DirectoryTitle], DirectorySection));
        sections.Add(("methodology", L[ReportTexts.MethodologyTitle], Methodology));
        sections.Add(("provenance", L[ReportTexts.ProvenanceTitle], Provenance));

        Raw($"<nav aria-labelledby=\"contents-h\">\n<h2 id=\"contents-h\">{E(L[ReportTexts.Contents])}</h2>\n<ol>\n");
        foreach (var (id, sectionTitle, _) in sections)
        {
            Raw($"<li><a href=\"#{id}\">{E(sectionTitle)}</a></li>\n");
        }

        Raw("</ol>\n</nav>\n<main id=\"main\">\n");
        foreach (var (id, sectionTitle, body) in sections)
        {
            Raw($"<section id=\"{id}\" aria-labelledby=\"{id}-h\">\n<h2 id=\"{id}-h\">{E(sectionTitle)}</h2>\n");
            body();
            Raw("</section>\n");
        }

        Raw("</main>\n<footer>\n");
        Raw($"<p>{E(L.Format(ReportTexts.Source, L.Number(_report.Provenance.TreeSize)))}</p>\n");
        Raw("</footer>\n</body>\n</html>\n");
    }

    private const string CourtDatasetId = "trafficking.prosecutions.v1";

    private void Summary()
    {
        var dataset = _report.Datasets.FirstOrDefault(d => d.Definition.Id == SafeHousing.DatasetId) ?? (_report.Datasets.Count > 0 ? _report.Datasets[0] : null);
        if (dataset?.NationalTotal(_report.Year) is not { } total)
        {
            return;
        }

        Raw("<ul>\n");
        Raw(ReportCells.ShowsNumber(total)
            ? $"<li>{E(L.Format(ReportTexts.SummaryVictims, YearText, ReportCells.Value(total, L), L.Number((long)Math.Round(total.Margin))))}</li>\n"
            : $"<li>{E(L.Format(ReportTexts.SummaryNotPublished, YearText, ReportCells.Symbol(total.Status)))}</li>\n");
        var expected = dataset.Definition.Jurisdictions.Count;
        Raw($"<li>{E(L.Format(ReportTexts.SummaryReporting, L.Number(total.ContributingJurisdictions.Count), L.Number(expected), YearText))}</li>\n");
        CourtSummary();
        Raw("</ul>\n");
    }

    // The prosecution line: completed court cases of the fiscal year that starts in the report's year, and how many ended in a guilty decision.
    private void CourtSummary()
    {
        var court = _report.Datasets.FirstOrDefault(d => d.Definition.Id == CourtDatasetId);
        if (court?.NationalTotal(_report.Year) is not { } cases)
        {
            return;
        }

        var year = court.Definition.YearLabel(_report.Year);
        if (!ReportCells.ShowsNumber(cases))
        {
            Raw($"<li>{E(L.Format(ReportTexts.SummaryNotPublished, year, ReportCells.Symbol(cases.Status)))}</li>\n");
            return;
        }

        var guilty = court.Breakdowns.FirstOrDefault(b => b.Dimension.Id == "decision")?.Rows.FirstOrDefault(r => r.Code.Code_ == "GUILTY").Row;
        var guiltyText = guilty is not null && ReportCells.ShowsNumber(guilty)
            ? L.Format(ReportTexts.SummaryCourtGuilty, ReportCells.Value(guilty, L), L.Margin(guilty.Margin))
            : L.Format(ReportTexts.SummaryCourtGuiltyNotPublished, guilty is null ? ".." : ReportCells.Symbol(guilty.Status));
        Raw($"<li>{E(L.Format(ReportTexts.SummaryCourtCases, year, ReportCells.Value(cases, L), L.Number((long)Math.Round(cases.Margin)), guiltyText))}</li>\n");
    }

    private void Dataset(string id, DatasetReport dataset)
    {
        var definition = dataset.Definition;
        var name = L.DatasetTitle(definition);

        var nationalTitle = L.Format(ReportTexts.NationalTitle, name.Text);
        var yearText = definition.YearLabel(_report.Year);
        var years = dataset.Years.Select(y => new ChartBar(new Label(definition.YearLabel(y)), dataset.NationalTotal(y)!)).ToArray();
        Figure($"{id}-national", nationalTitle, years, L[ReportTexts.Year], ReportFiles.National(definition.Id), bar =>
            $"<td class=\"num\">{E(L.Number(bar.Row.ContributingJurisdictions.Count))}/{E(L.Number(definition.Jurisdictions.Count))}</td>", L[ReportTexts.Reporting]);

        var jurisdictionTitle = L.Format(ReportTexts.JurisdictionTitle, name.Text, yearText);
        var jurisdictions = dataset.Jurisdictions(_report.Year).Select(r => new ChartBar(L.JurisdictionName(r.Jurisdiction), r)).ToArray();
        Figure($"{id}-jurisdictions", jurisdictionTitle, jurisdictions, L[ReportTexts.Jurisdiction], ReportFiles.ByJurisdiction(definition.Id));

        Completeness(id, dataset);

        foreach (var breakdown in dataset.Breakdowns)
        {
            var title = L.Format(ReportTexts.BreakdownTitle, name.Text, yearText, L.DimensionInText(breakdown.Dimension).Text);
            var bars = breakdown.Rows.Select(x => new ChartBar(L.CodeLabel(breakdown.Dimension, x.Code), x.Row)).ToArray();
            Figure($"{id}-{breakdown.Dimension.Id}", title, bars, L.DimensionHeading(breakdown.Dimension).Text, ReportFiles.Breakdown(definition.Id, breakdown.Dimension.Id, _report.Year));
        }
    }

    /// <summary>A titled chart followed by its data table and the link to its CSV.</summary>
    private void Figure(string id, string title, IReadOnlyList<ChartBar> bars, string firstColumn, string csv, Func<ChartBar, string>? extraCell = null, string? extraHeader = null)
    {
        Raw($"<h3 id=\"{id}-h\">{E(title)}</h3>\n<figure>\n");
        Raw(BarChart.Render($"{id}-chart", title, L.Format(ReportTexts.ChartAlt, title, BarChart.Describe(bars, L)), bars, L));
        Raw("\n</figure>\n");
        TableStart($"{id}-table", L.Format(ReportTexts.TableCaption, title));
        Raw($"<thead><tr><th scope=\"col\">{E(firstColumn)}</th>");
        Raw($"<th scope=\"col\" class=\"num\">{E(L[ReportTexts.Count])}</th><th scope=\"col\" class=\"num\">{E(L[ReportTexts.Margin])}</th>");
        if (extraHeader is not null)
        {
            Raw($"<th scope=\"col\" class=\"num\">{E(extraHeader)}</th>");
        }

        Raw("</tr></thead>\n<tbody>\n");
        foreach (var bar in bars)
        {
            Raw($"<tr><th scope=\"row\"{LangAttribute(bar.Label)}>{E(bar.Label.Text)}</th>{ValueCell(bar.Row)}<td class=\"num\">{E(ReportCells.Margin(bar.Row, L))}</td>");
            Raw(extraCell?.Invoke(bar) ?? string.Empty);
            Raw("</tr>\n");
        }

        TableEnd();
        DataLink(csv);
    }

    private void Completeness(string id, DatasetReport dataset)
    {
        var years = dataset.Years;
        Raw($"<h3 id=\"{id}-completeness-h\">{E(L[ReportTexts.CompletenessTitle])}</h3>\n<p>{E(L[ReportTexts.CompletenessIntro])}</p>\n");
        TableStart($"{id}-completeness-table", L.Format(ReportTexts.TableCaption, L[ReportTexts.CompletenessTitle]));
        Raw($"<thead><tr><th scope=\"col\">{E(L[ReportTexts.Jurisdiction])}</th>");
        foreach (var year in years)
        {
            Raw($"<th scope=\"col\">{year.ToString(CultureInfo.InvariantCulture)}</th>");
        }

        Raw("</tr></thead>\n<tbody>\n");
        foreach (var jurisdiction in dataset.Definition.Jurisdictions)
        {
            var name = L.JurisdictionName(jurisdiction);
            Raw($"<tr><th scope=\"row\"{LangAttribute(name)}>{E(name.Text)}</th>");
            foreach (var year in years)
            {
                var reported = dataset.ByJurisdiction.Rows.Any(r => r.ReferenceYear == year && r.Jurisdiction == jurisdiction && r.ContributingJurisdictions.Count > 0);
                Raw(reported
                    ? $"<td class=\"mark\"><span aria-hidden=\"true\">✓</span><span class=\"visually-hidden\">{E(L[ReportTexts.Reported])}</span></td>"
                    : $"<td class=\"mark\"><span aria-hidden=\"true\">—</span><span class=\"visually-hidden\">{E(L[ReportTexts.NotReported])}</span></td>");
            }

            Raw("</tr>\n");
        }

        TableEnd();
        var complete = dataset.National.Rows.Count(r => r.MissingJurisdictions.Count == 0 && r.ContributingJurisdictions.Count > 0);
        Raw($"<p>{E(L.Format(ReportTexts.YearsComplete, L.Number(complete), L.Number(years.Count), L.Number(dataset.Definition.Jurisdictions.Count)))}</p>\n");
        DataLink(ReportFiles.ByJurisdiction(dataset.Definition.Id));
    }

    private void SafeHousingSection()
    {
        Raw($"<p>{E(L[ReportTexts.HousingIntro])}</p>\n");
        TableStart("safe-housing-table", L.Format(ReportTexts.TableCaption, L.Format(ReportTexts.HousingTitle, YearText)));
        Raw("<thead><tr>");
        foreach (var header in new[] { ReportTexts.Jurisdiction, ReportTexts.VictimsIdentified, ReportTexts.Margin, ReportTexts.Beds, ReportTexts.TimeFull, ReportTexts.ServicesObserved })
        {
            Raw($"<th scope=\"col\"{(header == ReportTexts.Jurisdiction ? string.Empty : " class=\"num\"")}>{E(L[header])}</th>");
        }

        Raw("</tr></thead>\n<tbody>\n");
        foreach (var row in SafeHousing.Rows(_report))
        {
            var name = row.Jurisdiction.Length == 0 ? new Label(L[ReportTexts.Canada]) : L.JurisdictionName(row.Jurisdiction);
            var observed = row.Coverage is { ObservedServiceDays: > 0 };
            var notShown = row.Coverage is { Withheld: true } ? "x" : "..";
            Raw($"<tr{(row.Jurisdiction.Length == 0 ? " class=\"total\"" : string.Empty)}><th scope=\"row\"{LangAttribute(name)}>{E(name.Text)}</th>");
            Raw(row.Victims is null ? "<td class=\"num\">..</td><td class=\"num\"></td>" : $"{ValueCell(row.Victims)}<td class=\"num\">{E(ReportCells.Margin(row.Victims, L))}</td>");
            Raw($"<td class=\"num\">{E(observed ? L.Number(row.Coverage!.Beds) : notShown)}</td>");
            Raw($"<td class=\"num\">{E(observed ? L.Percent(row.Coverage!.ShareOfTimeFull) : notShown)}</td>");
            Raw($"<td class=\"num\">{E(L.Number(row.Coverage?.ServicesObserved ?? 0))}</td></tr>\n");
        }

        TableEnd();
        DataLink(ReportFiles.SafeHousing(_report.Year));
    }

    private void DirectorySection()
    {
        var capacity = _report.Capacity;
        var asOf = capacity.AsOf is null ? ".." : ReportLanguage.Time(capacity.AsOf.ToDateTimeOffset());
        var all = capacity.ReportingJurisdictions.Count + capacity.MissingJurisdictions.Count;
        Raw($"<p>{E(L.Format(ReportTexts.DirectoryIntro, asOf, L.Number(capacity.ReportingJurisdictions.Count), L.Number(all)))}</p>\n");
        TableStart("directory-table", L.Format(ReportTexts.TableCaption, L[ReportTexts.DirectoryTitle]));
        Raw("<thead><tr>");
        foreach (var header in new[] { ReportTexts.Sector, ReportTexts.Unit, ReportTexts.Services, ReportTexts.Available, ReportTexts.Maximum, ReportTexts.Occupancy, ReportTexts.ShareFull })
        {
            Raw($"<th scope=\"col\"{(header == ReportTexts.Sector || header == ReportTexts.Unit ? string.Empty : " class=\"num\"")}>{E(L[header])}</th>");
        }

        Raw("</tr></thead>\n<tbody>\n");
        foreach (var row in DirectoryInNumbers.NationalRows(capacity))
        {
            var sector = L.SectorName(row.ServiceType);
            var unit = L.UnitName(row.Unit);
            Raw($"<tr><th scope=\"row\"{LangAttribute(sector)}>{E(sector.Text)}</th><td{LangAttribute(unit)}>{E(unit.Text)}</td>");
            string Shown(Func<string> figure) => row.Withheld ? "x" : figure();
            Raw($"<td class=\"num\">{E(L.Number(row.Services))}</td><td class=\"num\">{E(Shown(() => L.Number(row.Available)))}</td><td class=\"num\">{E(Shown(() => L.Number(row.Maximum)))}</td>");
            Raw($"<td class=\"num\">{E(Shown(() => L.Percent(row.Occupancy)))}</td><td class=\"num\">{E(Shown(() => L.Percent(row.ShareFull)))}</td></tr>\n");
        }

        TableEnd();
        DataLink(ReportFiles.DirectoryCapacity);
    }

    private void Methodology()
    {
        foreach (var dataset in _report.Datasets)
        {
            var definition = dataset.Definition;
            var privacy = PrivacyFigures.Of(definition);
            Raw($"<h3 id=\"method-{E(definition.Id.Replace('.', '-'))}\"{LangAttribute(L.DatasetTitle(definition))}>{E(L.DatasetTitle(definition).Text)}</h3>\n");
            Raw($"<p>{E(L.Format(ReportTexts.MethodUnit, definition.Id, L.DatasetUnit(definition).Text, L.DatasetReferencePeriod(definition).Text))}</p>\n");
            if (privacy is not null)
            {
                Raw($"<p>{E(L.Format(ReportTexts.MethodPrivacy, L.Decimal(privacy.BudgetRho, 3), L.Decimal(privacy.ReleaseRho, 3), L.Decimal(privacy.ReleaseEpsilon, 2), L.Decimal(privacy.BudgetEpsilon, 2)))}</p>\n");
            }
        }

        Raw($"<p>{E(L[ReportTexts.MethodPublication])}</p>\n<p>{E(L[ReportTexts.MethodMargin])}</p>\n<p>{E(L[ReportTexts.MethodCapacity])}</p>\n");
        if (_report.Capacity.Disclosure is { Exact: false } disclosure)
        {
            Raw($"<p>{E(L.Format(ReportTexts.MethodCapacityDisclosure, L.Number(disclosure.MinimumServices), L.Number(disclosure.Band)))}</p>\n");
        }

        Raw($"<h3 id=\"symbols-h\">{E(L[ReportTexts.SymbolsTitle])}</h3>\n<dl class=\"symbols\">\n");
        Raw($"<dt>E</dt><dd>{E(L[ReportTexts.SymbolE])}</dd>\n<dt>F</dt><dd>{E(L[ReportTexts.SymbolF])}</dd>\n<dt>..</dt><dd>{E(L[ReportTexts.SymbolNotAvailable])}</dd>\n<dt>x</dt><dd>{E(L[ReportTexts.SymbolWithheld])}</dd>\n</dl>\n");
    }

    private void Provenance()
    {
        var p = _report.Provenance;
        Raw($"<p>{E(L.Format(ReportTexts.ProvenanceIntro, L.Number(p.TreeSize)))}</p>\n");
        Raw($"<pre class=\"command\"><code>{E(p.VerifyCommand)}</code></pre>\n<dl class=\"provenance\">\n");
        Raw($"<dt>{E(L[ReportTexts.TreeSize])}</dt><dd id=\"tree-size\">{p.TreeSize.ToString(CultureInfo.InvariantCulture)}</dd>\n");
        Raw($"<dt>{E(L[ReportTexts.RootHash])}</dt><dd><code>{E(p.RootHashBase64)}</code></dd>\n");
        Raw($"<dt>{E(L[ReportTexts.RootHashHex])}</dt><dd><code>{E(p.RootHashHex)}</code></dd>\n");
        Raw($"<dt>{E(L[ReportTexts.LogKey])}</dt><dd><code>{E(p.LogKeyName)}</code> <code>{E(p.LogKeyId)}</code></dd>\n");
        Raw($"<dt>{E(L[ReportTexts.SignedAt])}</dt><dd>{E(ReportLanguage.Time(p.SignedAt))}</dd>\n");
        Raw($"<dt>{E(L[ReportTexts.SignedCheckpoint])}</dt><dd><pre><code>{E(p.SignedCheckpoint)}</code></pre></dd>\n</dl>\n");
        Raw($"<p>{E(L.Format(ReportTexts.ProvenanceCapacity, _report.Capacity.AsOf is null ? ".." : ReportLanguage.Time(_report.Capacity.AsOf.ToDateTimeOffset())))}</p>\n");
        DataLink(ReportFiles.Provenance);
    }

    /// <summary>
    /// Opens a captioned table inside a region that scrolls sideways on narrow screens (the page itself never does);
    /// the region is named by the caption and can be reached from the keyboard to scroll it.
    /// </summary>
    private void TableStart(string id, string caption) =>
        Raw($"<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"{id}-caption\" tabindex=\"0\">\n<table id=\"{id}\">\n<caption id=\"{id}-caption\">{E(caption)}</caption>\n");

    private void TableEnd() => Raw("</tbody>\n</table>\n</div>\n");

    private string ValueCell(QueryRow row) =>
        $"<td class=\"num\" data-status=\"{E(ReportCells.Symbol(row.Status) is { Length: > 0 } s ? s : "A")}\">{E(ReportCells.Value(row, L))}</td>";

    private void DataLink(string file) =>
        Raw($"<p class=\"data\"><a href=\"{E(ReportFiles.FromPage(file))}\">{E(L.Format(ReportTexts.DataCsv, Path.GetFileName(file)))}</a></p>\n");

    private static string LangAttribute(Label label) => label.Lang is { } lang ? $" lang=\"{lang}\"" : string.Empty;

    private void Raw(string html) => _html.Append(html);

    private static string E(string text) => Html.Encode(text);
}
