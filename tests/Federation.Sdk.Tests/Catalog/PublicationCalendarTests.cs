using System.Text;
using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;

namespace Federation.Sdk.Tests.Catalog;

/// <summary>The catalogue's publication calendar: when each edition of a reference year is due, and which calendars are refused.</summary>
public sealed class PublicationCalendarTests
{
    [Fact]
    public void The_victims_dataset_releases_a_year_on_1_april_after_it_closes_and_revises_it_a_year_later()
    {
        var calendar = TestDatasets.Default.Calendar;

        Assert.Equal(new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.Zero), calendar.DueAt(2024, 1));
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), calendar.DueAt(2024, 2));
        Assert.Null(calendar.EditionDue(2024, new DateTimeOffset(2025, 3, 31, 23, 59, 59, TimeSpan.Zero)));
        Assert.Equal(1, calendar.EditionDue(2024, new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(2, calendar.EditionDue(2024, new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Null(calendar.EditionDue(2026, new DateTimeOffset(2026, 12, 31, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Every_scheduled_edition_of_the_victims_dataset_fits_its_budget()
    {
        var dataset = TestDatasets.Default;

        Assert.True(dataset.Protection.ReleaseRho * new Rational(dataset.Calendar.Editions, 1) <= dataset.Protection.BudgetRho);
    }

    [Theory]
    [InlineData("", "publicationCalendar.editions sets when a reference year is released")]
    [InlineData(", \"publicationCalendar\": { \"editions\": [] }", "needs at least one edition")]
    [InlineData(", \"publicationCalendar\": { \"editions\": [ { \"monthsAfterYearEnd\": 3 }, { \"monthsAfterYearEnd\": 3 } ] }", "publicationCalendar.editions[1].monthsAfterYearEnd must be")]
    [InlineData(", \"publicationCalendar\": { \"editions\": [ { \"monthsAfterYearEnd\": -1 } ] }", "publicationCalendar.editions[0].monthsAfterYearEnd must be")]
    public void A_missing_or_malformed_calendar_is_refused_naming_the_setting(string calendar, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => Parse(calendar));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_calendar_with_more_editions_than_the_budget_pays_for_is_refused()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => Parse(
            ", \"publicationCalendar\": { \"editions\": [ { \"monthsAfterYearEnd\": 3 }, { \"monthsAfterYearEnd\": 15 }, { \"monthsAfterYearEnd\": 27 } ] }"));

        Assert.Contains("schedules 3 editions per reference year, but its budget rho 0.5 pays for fewer releases of rho 0.25", error.Message, StringComparison.Ordinal);
    }

    private static DatasetDefinition Parse(string calendar)
    {
        var json = $$"""
            {
              "id": "test.v1", "title": "Test", "description": "Test", "unit": "victim", "referencePeriod": "year",
              "jurisdictions": [ "ON" ],
              "dimensions": [],
              "tables": [ { "id": "T0", "title": "Total", "dimensions": [] } ],
              "protection": { "tables": { "T0": { "mechanism": "discrete-gaussian", "variance": "2" } }, "budgetRho": "0.5" }{{calendar}}
            }
            """;
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return DatasetDocument.Parse(stream, "test.json");
    }
}
