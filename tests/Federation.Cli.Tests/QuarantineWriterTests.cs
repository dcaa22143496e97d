using Federation.Cli.Output;
using Federation.Sdk.Validation;

namespace Federation.Cli.Tests;

public sealed class QuarantineWriterTests
{
    [Theory]
    [InlineData("BirthDate 2019-09-07 is after IdentificationDate 2019-08-08", "BirthDate … is after IdentificationDate …")]
    [InlineData("duplicate CaseId 'ON-2020-00044' (first seen at cases.csv line 353)", "duplicate CaseId '…' (first seen at cases.csv line …)")]
    [InlineData("IdentificationDate is missing", "IdentificationDate is missing")]
    public void A_reason_loses_its_particular_values_so_the_same_problem_groups_together(string reason, string kind) =>
        Assert.Equal(kind, QuarantineWriter.ReasonKind(reason));

    [Fact]
    public void Records_are_counted_under_each_of_their_problems_per_source()
    {
        QuarantinedItem[] items =
        [
            new("cases", new QuarantinedRecord("cases.csv line 2", "A", "IdentificationDate is missing; Gender 'Fem' is not a known value")),
            new("cases", new QuarantinedRecord("cases.csv line 3", "B", "Gender 'Masc' is not a known value")),
            new("directory", new QuarantinedRecord("service 'S1'", "S1", "Gender 'X' is not a known value")),
        ];

        var groups = QuarantineWriter.GroupByReason(items);

        Assert.Equal(
            [("cases", "Gender '…' is not a known value", 2), ("cases", "IdentificationDate is missing", 1), ("directory", "Gender '…' is not a known value", 1)],
            groups);
    }
}
