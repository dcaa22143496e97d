using System.Text.RegularExpressions;
using Federation.Cli.Report;
using Federation.Contracts.V1;
using Federation.Sdk.Catalog;

namespace Federation.Cli.Tests;

/// <summary>The report's model, numbers and HTML, without a browser (the browser checks are in the end-to-end tests).</summary>
public sealed partial class ReportTests
{
    private const int Year = 2024;

    // A value that must never appear: Prince Edward Island's 2024 figure is too unreliable to publish (F).
    private const long HiddenValue = 4817;

    [Fact]
    public void French_numbers_group_thousands_with_a_no_break_space_and_use_a_decimal_comma()
    {
        Assert.Equal("1\u00A0234\u00A0567", ReportLanguage.French.Number(1_234_567));
        Assert.Equal("0,25", ReportLanguage.French.Decimal(0.25, 3));
        Assert.Equal("12,5\u00A0%", ReportLanguage.French.Percent(0.125));
        Assert.Equal("±14", ReportLanguage.French.Margin(14.11));
        Assert.Equal("1,234,567", ReportLanguage.English.Number(1_234_567));
        Assert.Equal("0.25", ReportLanguage.English.Decimal(0.25, 3));
        Assert.Equal("12.5%", ReportLanguage.English.Percent(0.125));
    }

    [Fact]
    public void Cells_show_statcan_symbols_and_an_F_cell_never_shows_its_number()
    {
        var caution = new QueryRow { Value = 1234, Status = CellStatus.UseWithCaution, Margin = 300 };
        var unreliable = new QueryRow { Value = HiddenValue, Status = CellStatus.TooUnreliable, Margin = 3000 };
        var missing = new QueryRow { Status = CellStatus.NotAvailable };

        Assert.Equal("1\u00A0234\u00A0E", ReportCells.Value(caution, ReportLanguage.French));
        Assert.Equal("1,234\u00A0E", ReportCells.Value(caution, ReportLanguage.English));
        Assert.Equal("F", ReportCells.Value(unreliable, ReportLanguage.English));
        Assert.Equal(string.Empty, ReportCells.Margin(unreliable, ReportLanguage.English));
        Assert.Equal("..", ReportCells.Value(missing, ReportLanguage.French));
    }

    [Fact]
    public void The_privacy_figures_are_the_published_policy_in_rho_and_epsilon_at_delta_one_in_a_million()
    {
        var figures = PrivacyFigures.Of(DatasetCatalog.Default.Get("trafficking.victims.v1").ToContract());

        Assert.NotNull(figures);
        // T0 at variance 4 costs 1/8, each of T1-T5 at variance 20 costs 1/40: one release costs 1/4 of the budget 1/2.
        Assert.Equal(0.25, figures.ReleaseRho, 12);
        Assert.Equal(0.5, figures.BudgetRho, 12);
        // rho + 2 sqrt(rho ln(1/delta)) is an upper bound of the optimal conversion, rho itself a lower one.
        Assert.InRange(figures.ReleaseEpsilon, 0.25, 0.25 + (2 * Math.Sqrt(0.25 * Math.Log(1e6))));
        Assert.True(figures.BudgetEpsilon > figures.ReleaseEpsilon);
    }

    [Fact]
    public void Both_pages_are_self_contained_without_script_and_link_to_each_other()
    {
        var report = Report();
        foreach (var language in ReportLanguage.All)
        {
            var html = ReportPage.Render(report, language);

            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
            Assert.Empty(ExternalReference().Matches(html));
            Assert.Contains($"<html lang=\"{language.Code}\">", html, StringComparison.Ordinal);
            Assert.Contains($"href=\"../{language.Other.Code}/index.html\" lang=\"{language.Other.Code}\"", html, StringComparison.Ordinal);
            Assert.Contains("@media print", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_chart_has_a_text_alternative_and_is_followed_by_its_data_table()
    {
        var html = ReportPage.Render(Report(), ReportLanguage.English);

        var charts = Chart().Matches(html);
        Assert.Equal(2 + 1, charts.Count); // national by year, by jurisdiction, one dimension
        foreach (Match chart in charts)
        {
            var id = chart.Groups["id"].Value;
            Assert.Contains($"<title id=\"{id}-title\">", html, StringComparison.Ordinal);
            Assert.Matches($"<desc id=\"{id}-desc\">Bar chart with 95% error bars: [^<]+Largest: ", html);
            var nextTable = html.IndexOf("<table", chart.Index, StringComparison.Ordinal);
            var nextChart = html.IndexOf("<svg", chart.Index + 1, StringComparison.Ordinal);
            Assert.True(nextTable > chart.Index && (nextChart < 0 || nextTable < nextChart), $"chart {id} is followed by its table before the next chart");
        }
    }

    [Fact]
    public void An_F_cell_shows_F_in_its_table_and_its_number_nowhere_in_the_pages_or_the_data()
    {
        var report = Report();
        foreach (var language in ReportLanguage.All)
        {
            var html = ReportPage.Render(report, language);
            var name = language.IsFrench ? "Île-du-Prince-Édouard" : "Prince Edward Island";
            Assert.Contains($"<th scope=\"row\">{Html.Encode(name)}</th><td class=\"num\" data-status=\"F\">F</td><td class=\"num\"></td>", html, StringComparison.Ordinal);
            Assert.DoesNotContain(language.Number(HiddenValue), html, StringComparison.Ordinal);
            Assert.DoesNotContain(HiddenValue.ToString(System.Globalization.CultureInfo.InvariantCulture), html, StringComparison.Ordinal);
        }

        Assert.All(ReportCsv.Files(report), file => Assert.DoesNotContain(HiddenValue.ToString(System.Globalization.CultureInfo.InvariantCulture), file.Content, StringComparison.Ordinal));
        Assert.Contains($"{Year},PE,,F,,yes\r\n", ReportCsv.Files(report).Single(f => f.File == ReportFiles.ByJurisdiction("test.victims.v1")).Content, StringComparison.Ordinal);
    }

    [Fact]
    public void The_french_page_uses_french_names_and_number_formats()
    {
        var html = ReportPage.Render(Report(), ReportLanguage.French);

        Assert.Contains("Colombie-Britannique", html, StringComparison.Ordinal);
        Assert.Contains("Femme ou fille", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\" data-status=\"A\">12\u00A0345</td>", html, StringComparison.Ordinal);
        Assert.Contains("Marge d&#39;erreur à 95\u00A0%", html, StringComparison.Ordinal);
        Assert.Contains("Méthodologie", html, StringComparison.Ordinal);
        // A label the gateway publishes only in English is marked as English for screen readers.
        Assert.Contains("lang=\"en\">Test dataset", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_published_dataset_gets_its_own_section_and_data_files()
    {
        var second = Dataset("test.outcomes.v1", "Court outcomes");
        var report = Report() with { Datasets = [.. Report().Datasets, DatasetReport(second, 200, 30)] };

        var html = ReportPage.Render(report, ReportLanguage.English);

        Assert.Contains("<h2 id=\"dataset-2-h\">Court outcomes</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<h3 id=\"dataset-2-national-h\">Court outcomes, Canada, by year</h3>", html, StringComparison.Ordinal);
        Assert.Contains(ReportCsv.Files(report), f => f.File == "data/test.outcomes.v1.gender.2024.csv");
        Assert.Contains("href=\"#dataset-2\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_name_of_the_published_catalogue_has_a_french_translation()
    {
        var dataset = DatasetCatalog.Default.Get("trafficking.victims.v1").ToContract();
        var french = ReportLanguage.French;

        Assert.Null(french.DatasetTitle(dataset).Lang);
        Assert.Null(french.DatasetUnit(dataset).Lang);
        Assert.Null(french.DatasetReferencePeriod(dataset).Lang);
        Assert.All(dataset.Jurisdictions, j => Assert.Null(french.JurisdictionName(j).Lang));
        Assert.All(dataset.Dimensions, d =>
        {
            Assert.Null(french.DimensionHeading(d).Lang);
            Assert.All(d.Codes, c => Assert.Null(french.CodeLabel(d, c).Lang));
        });
        Assert.All(Enum.GetValues<ServiceType>().Where(t => t != ServiceType.Unspecified), t => Assert.Null(french.SectorName(t).Lang));
        Assert.All(Enum.GetValues<CapacityUnit>().Where(u => u != CapacityUnit.Unspecified), u => Assert.Null(french.UnitName(u).Lang));
    }

    [Fact]
    public void The_axis_ends_at_a_round_number_above_the_largest_error_bar()
    {
        Assert.Equal((700, 100), BarChart.NiceAxis(626));
        Assert.Equal((10, 1), BarChart.NiceAxis(9.5));
        Assert.Equal((400, 50), BarChart.NiceAxis(370));
    }

    [GeneratedRegex("(?:src|href)\\s*=\\s*\"(?:[a-z]+:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();

    [GeneratedRegex("<svg class=\"chart\" role=\"img\" viewBox=\"[^\"]+\" aria-labelledby=\"(?<id>[^ \"]+)-title \\k<id>-desc\"")]
    private static partial Regex Chart();

    private static ReportData Report()
    {
        var dataset = Dataset("test.victims.v1", "Test dataset");
        return new ReportData(
            Year,
            new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero),
            new ReportProvenance(new Uri("https://gateway.example.ca:7443"), "origin\n42\nAAAA\n\n— origin AAAA\n", 42, new byte[32], "federation-log", "0a1b2c3d", new DateTimeOffset(2025, 3, 1, 11, 0, 0, TimeSpan.Zero), "fed log verify --data demo"),
            [DatasetReport(dataset, 12345, 7)],
            new CapacitySummaryResponse
            {
                ReportingJurisdictions = { Jurisdiction.All },
                Rows = { new CapacitySummaryRow { ServiceType = ServiceType.EmergencyShelter, Unit = CapacityUnit.Bed, Services = 40, Available = 30, Maximum = 400, Occupancy = 0.925, ServicesFull = 10, ShareFull = 0.25 } },
            },
            new SafeHousingCoverageResponse { Rows = { new SafeHousingCoverageRow { ReferenceYear = Year, Jurisdiction = "ON", Beds = 120, ShareOfTimeFull = 0.4, ServicesObserved = 9, ObservedServiceDays = 3000 } } });
    }

    /// <summary>A dataset definition as DescribeDataset gives it: the jurisdictions and one dimension.</summary>
    private static Dataset Dataset(string id, string title) => new()
    {
        Id = id,
        Title = title,
        Unit = "thing counted",
        ReferencePeriod = "calendar year",
        Jurisdictions = { Jurisdiction.All },
        Dimensions =
        {
            new Dimension
            {
                Id = "gender",
                Title = "Gender",
                Codes = { new Code { Code_ = "WOMAN_GIRL", Label = "Woman or girl" }, new Code { Code_ = "MAN_BOY", Label = "Man or boy" } },
            },
        },
    };

    /// <summary>Answers for two years: in the report's year Prince Edward Island is F, the others have a value, and nationally <paramref name="total"/>.</summary>
    private static DatasetReport DatasetReport(Dataset dataset, long total, long perJurisdiction)
    {
        var national = new QueryResponse { DatasetId = dataset.Id };
        var byJurisdiction = new QueryResponse { DatasetId = dataset.Id };
        foreach (var year in new[] { Year - 1, Year })
        {
            national.Rows.Add(new QueryRow { ReferenceYear = year, Value = total, Status = CellStatus.Available, Margin = 14.1, ContributingJurisdictions = { Jurisdiction.All } });
            foreach (var code in Jurisdiction.All)
            {
                byJurisdiction.Rows.Add(code == "PE" && year == Year
                    ? new QueryRow { ReferenceYear = year, Jurisdiction = code, Value = HiddenValue, Status = CellStatus.TooUnreliable, Margin = 3.9, ContributingJurisdictions = { code } }
                    : new QueryRow { ReferenceYear = year, Jurisdiction = code, Value = perJurisdiction, Status = CellStatus.Available, Margin = 3.9, ContributingJurisdictions = { code } });
            }
        }

        var byGender = new QueryResponse
        {
            DatasetId = dataset.Id,
            GroupBy = { "gender" },
            Rows =
            {
                new QueryRow { ReferenceYear = Year, Codes = { "WOMAN_GIRL" }, Value = total - 40, Status = CellStatus.Available, Margin = 71 },
                new QueryRow { ReferenceYear = Year, Codes = { "MAN_BOY" }, Value = 40, Status = CellStatus.UseWithCaution, Margin = 30 },
            },
        };
        return new DatasetReport(dataset, national, byJurisdiction, [new DimensionBreakdown(dataset.Dimensions[0], byGender)]);
    }
}
