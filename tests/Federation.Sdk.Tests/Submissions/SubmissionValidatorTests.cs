using Federation.Contracts.V1;
using Federation.Sdk.Catalog;
using Federation.Sdk.Submissions;
using Federation.Sdk.Tests.Catalog;
using Federation.Sdk.Tests.Trust;
using Google.Protobuf.WellKnownTypes;

namespace Federation.Sdk.Tests.Submissions;

public sealed class SubmissionValidatorTests
{
    private static readonly DateTimeOffset s_now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DatasetDefinition s_dataset = TestDatasets.Rounded;

    private readonly SubmissionValidator _validator = new(TestDatasets.RoundedCatalog, new FixedTimeProvider(s_now));
    private readonly Submission _submission = ValidSubmissions.For(s_dataset, "ON", 2024, s_now.AddMinutes(-1));

    [Fact]
    public void Complete_submission_built_from_the_catalogue_has_no_violations()
    {
        Assert.Empty(_validator.Validate(_submission));
    }

    [Fact]
    public void Submission_of_the_current_year_produced_within_the_clock_skew_is_valid()
    {
        _submission.ReferenceYear = s_now.Year;
        _submission.ProducedAt = Timestamp.FromDateTimeOffset(s_now.AddMinutes(4));

        Assert.Empty(_validator.Validate(_submission));
    }

    [Fact]
    public void Unknown_dataset_is_refused_with_the_known_ones()
    {
        _submission.DatasetId = "trafficking.victims.v9";

        var violation = Assert.Single(_validator.Validate(_submission));

        Assert.Equal("submission.dataset_id", violation.Field);
        Assert.Contains("Unknown dataset 'trafficking.victims.v9'", violation.Description, StringComparison.Ordinal);
        Assert.Contains("trafficking.victims.v1", violation.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("XX", "'XX' is not a jurisdiction")]
    [InlineData("on", "'on' is not a jurisdiction")]
    [InlineData("CA-ON", "'CA-ON' is not a jurisdiction")]
    [InlineData("", "The jurisdiction is missing")]
    public void Jurisdiction_outside_the_dataset_is_refused(string jurisdiction, string expected)
    {
        _submission.Jurisdiction = jurisdiction;

        AssertSingle("submission.jurisdiction", expected);
    }

    [Theory]
    [InlineData(2026, "Reference year 2026 is in the future: the current year is 2025.")]
    [InlineData(1899, "Reference year 1899 is before 1900")]
    [InlineData(0, "The reference_year is missing.")]
    public void Reference_year_in_the_future_or_absurd_is_refused(int year, string expected)
    {
        _submission.ReferenceYear = year;

        AssertSingle("submission.reference_year", expected);
    }

    [Fact]
    public void Missing_production_time_is_refused()
    {
        _submission.ProducedAt = null;

        AssertSingle("submission.produced_at", "The produced_at time is missing.");
    }

    [Fact]
    public void Production_time_beyond_the_clock_skew_is_refused()
    {
        _submission.ProducedAt = Timestamp.FromDateTimeOffset(s_now.AddMinutes(6));

        AssertSingle("submission.produced_at", "is in the future");
    }

    [Fact]
    public void Invalid_production_timestamp_is_refused()
    {
        _submission.ProducedAt = new Timestamp { Seconds = 1, Nanos = -5 };

        AssertSingle("submission.produced_at", "not a valid timestamp");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Missing_node_id_is_refused(string nodeId)
    {
        _submission.NodeId = nodeId;

        AssertSingle("submission.node_id", "The node_id is missing");
    }

    [Fact]
    public void Missing_protection_is_refused()
    {
        _submission.Protection = null;

        AssertSingle("submission.protection", "requires T0 random rounding to base 5");
    }

    [Fact]
    public void Protection_mechanism_other_than_the_policy_is_refused()
    {
        _submission.Protection.Mechanism = ProtectionMechanism.DiscreteGaussian;

        AssertSingle("submission.protection.mechanism", "does not match dataset trafficking.victims.v1");
    }

    [Fact]
    public void Rounding_base_other_than_the_policy_is_refused()
    {
        _submission.Protection.RoundingBase = 10;

        AssertSingle("submission.protection.rounding_base", "The rounding base 10 does not match");
    }

    [Fact]
    public void Missing_table_is_refused_by_name()
    {
        _submission.Tables.RemoveAt(ValidSubmissions.IndexOfTable(_submission, "T3"));

        AssertSingle("submission.tables", "Table T3 (Indigenous identity by gender) is missing");
    }

    [Fact]
    public void Unknown_table_is_refused()
    {
        _submission.Tables.Add(new TableRelease { TableId = "T9" });

        AssertSingle($"submission.tables[{_submission.Tables.Count - 1}].table_id", "'T9' is not a table of dataset trafficking.victims.v1");
    }

    [Fact]
    public void Table_sent_twice_is_refused()
    {
        var first = ValidSubmissions.IndexOfTable(_submission, "T2");
        _submission.Tables.Add(_submission.Tables[first].Clone());

        AssertSingle($"submission.tables[{_submission.Tables.Count - 1}].table_id", $"Table T2 appears more than once (first at tables[{first}])");
    }

    [Fact]
    public void Missing_cell_is_refused_by_its_codes()
    {
        var t = ValidSubmissions.IndexOfTable(_submission, "T1");
        var removed = _submission.Tables[t].Cells.Single(c => c.Codes.SequenceEqual(["MAN_BOY", "AGE_25_34"]));
        _submission.Tables[t].Cells.Remove(removed);

        AssertSingle($"submission.tables[{t}].cells", "Cell (gender=MAN_BOY, age_group=AGE_25_34) of table T1 is missing");
    }

    [Fact]
    public void Table_without_cells_is_refused_once_with_its_grid_size()
    {
        var t = ValidSubmissions.IndexOfTable(_submission, "T2");
        _submission.Tables[t].Cells.Clear();

        AssertSingle($"submission.tables[{t}].cells", "Table T2 has no cells: all 40 cells");
    }

    [Fact]
    public void Total_cell_given_codes_is_refused_and_the_total_counted_missing()
    {
        var t = ValidSubmissions.IndexOfTable(_submission, "T0");
        _submission.Tables[t].Cells.Add(new Cell { Value = 5 });
        _submission.Tables[t].Cells.RemoveAt(0);
        _submission.Tables[t].Cells[0].Codes.Add("WOMAN_GIRL");

        var violations = _validator.Validate(_submission);

        Assert.Collection(
            violations,
            v => Assert.Equal($"submission.tables[{t}].cells[0].codes", v.Field),
            v => Assert.Equal(($"submission.tables[{t}].cells", "Cell (total) of table T0 is missing; every cell of the grid is sent, zeros included."), (v.Field, v.Description)));
    }

    [Fact]
    public void Duplicate_cell_is_refused_at_its_position()
    {
        var t = ValidSubmissions.IndexOfTable(_submission, "T1");
        _submission.Tables[t].Cells.Add(_submission.Tables[t].Cells[3].Clone());
        var duplicate = _submission.Tables[t].Cells.Count - 1;

        AssertSingle($"submission.tables[{t}].cells[{duplicate}]", "appears more than once (first at cells[3])");
    }

    [Fact]
    public void Cell_with_the_wrong_number_of_codes_is_refused()
    {
        var t = ValidSubmissions.IndexOfTable(_submission, "T1");
        _submission.Tables[t].Cells[0].Codes.Add("UNKNOWN");

        var violations = _validator.Validate(_submission);

        Assert.Equal(2, violations.Count);
        Assert.Equal($"submission.tables[{t}].cells[0].codes", violations[0].Field);
        Assert.Contains("The cell has 3 codes; table T1 has 2 dimensions (gender, age_group)", violations[0].Description, StringComparison.Ordinal);
        Assert.Equal($"submission.tables[{t}].cells", violations[1].Field);
        Assert.Contains("(gender=WOMAN_GIRL, age_group=UNDER_18) of table T1 is missing", violations[1].Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Code_not_in_the_dimension_code_list_is_refused_at_its_position()
    {
        var t = ValidSubmissions.IndexOfTable(_submission, "T1");
        _submission.Tables[t].Cells[5].Codes[1] = "AGE_99";

        var violations = _validator.Validate(_submission);

        Assert.Equal($"submission.tables[{t}].cells[5].codes[1]", violations[0].Field);
        Assert.StartsWith("'AGE_99' is not a code of dimension age_group; its codes are UNDER_18,", violations[0].Description, StringComparison.Ordinal);
        // The cell the code was meant for is now missing from the grid too.
        Assert.Equal($"submission.tables[{t}].cells", Assert.Single(violations.Skip(1)).Field);
    }

    [Fact]
    public void Codes_in_the_wrong_dimension_order_are_refused_with_the_order()
    {
        var t = ValidSubmissions.IndexOfTable(_submission, "T1");
        var cell = _submission.Tables[t].Cells[0];
        (cell.Codes[0], cell.Codes[1]) = (cell.Codes[1], cell.Codes[0]);

        var violations = _validator.Validate(_submission);

        Assert.Contains(violations, v => v.Field == $"submission.tables[{t}].cells[0].codes[0]"
            && v.Description.Contains("codes are given in the order gender, age_group", StringComparison.Ordinal));
    }

    [Fact]
    public void Negative_value_is_refused()
    {
        var t = ValidSubmissions.IndexOfTable(_submission, "T4");
        _submission.Tables[t].Cells[7].Value = -5;

        AssertSingle($"submission.tables[{t}].cells[7].value", "The value -5 is negative");
    }

    [Fact]
    public void Value_that_is_not_a_multiple_of_the_rounding_base_is_refused()
    {
        var t = ValidSubmissions.IndexOfTable(_submission, "T5");
        _submission.Tables[t].Cells[2].Value = 7;

        AssertSingle($"submission.tables[{t}].cells[2].value", "The value 7 is not a multiple of 5");
    }

    [Fact]
    public void Every_violation_is_reported_not_only_the_first()
    {
        _submission.NodeId = string.Empty;
        _submission.ReferenceYear = 2030;
        _submission.Jurisdiction = "XX";
        _submission.Tables[ValidSubmissions.IndexOfTable(_submission, "T5")].Cells[0].Value = 3;

        var fields = _validator.Validate(_submission).Select(v => v.Field).ToArray();

        Assert.Equal(
            ["submission.node_id", "submission.reference_year", "submission.jurisdiction", $"submission.tables[{ValidSubmissions.IndexOfTable(_submission, "T5")}].cells[0].value"],
            fields);
    }

    [Fact]
    public void Long_list_of_violations_is_capped_with_a_count_of_the_rest()
    {
        foreach (var cell in _submission.Tables.SelectMany(t => t.Cells))
        {
            cell.Value = -1;
        }

        var violations = _validator.Validate(_submission);
        var total = s_dataset.Tables.Sum(t => t.CellCount);

        Assert.Equal(SubmissionValidator.MaxListedViolations + 1, violations.Count);
        Assert.Equal(("submission", $"... and {total - SubmissionValidator.MaxListedViolations} more violations not listed."), (violations[^1].Field, violations[^1].Description));
    }

    [Fact]
    public void Empty_submission_reports_each_missing_field()
    {
        var fields = _validator.Validate(new Submission()).Select(v => v.Field).ToArray();

        Assert.Equal(["submission.node_id", "submission.reference_year", "submission.produced_at", "submission.dataset_id"], fields);
    }

    private void AssertSingle(string field, string descriptionPart)
    {
        var violation = Assert.Single(_validator.Validate(_submission));
        Assert.Equal(field, violation.Field);
        Assert.Contains(descriptionPart, violation.Description, StringComparison.Ordinal);
    }
}
