using Federation.Cli.Commands;
using Federation.Sdk.Catalog;

namespace Federation.Cli.Tests;

public sealed class DatasetsCommandTests
{
    [Fact]
    public void The_publication_calendar_is_shown_with_the_dates_of_an_example_year()
    {
        var calendar = DatasetCatalog.Default.Get("trafficking.victims.v1").ToContract().PublicationCalendar;

        Assert.Equal(
            "edition 1 (first release) 3 months after the year closes (2024: 1 April 2025); "
            + "edition 2 (revision) 15 months after the year closes (2024: 1 April 2026). "
            + "A node releases a year only at its first edition and revises it only at a later one.",
            DatasetsCommand.DescribeCalendar(calendar, 2024));
    }

    [Fact]
    public void A_gateway_that_publishes_no_calendar_is_said_so() =>
        Assert.Equal("not published by this gateway.", DatasetsCommand.DescribeCalendar(new Contracts.V1.PublishedCalendar(), 2024));
}
