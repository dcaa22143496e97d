using Federation.Contracts.V1;
using Federation.Sdk.Catalog;
using Federation.Sdk.Submissions;
using Federation.Sdk.Tests.Catalog;
using Federation.Sdk.Tests.Trust;

namespace Federation.Sdk.Tests.Submissions;

/// <summary>The rules for releases under the default policy, discrete Gaussian noise.</summary>
public sealed class SubmissionValidatorNoiseTests
{
    private static readonly DateTimeOffset s_now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly SubmissionValidator _validator = new(DatasetCatalog.Default, new FixedTimeProvider(s_now));
    private readonly Submission _submission = ValidSubmissions.For(TestDatasets.Default, "ON", 2024, s_now.AddMinutes(-1));

    [Fact]
    public void Noisy_values_below_zero_and_off_any_base_are_valid()
    {
        _submission.Tables[1].Cells[0].Value = -3;
        _submission.Tables[2].Cells[4].Value = 7;

        Assert.Empty(_validator.Validate(_submission));
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    [InlineData(SubmissionValidator.MaxCellMagnitude + 1)]
    public void A_value_beyond_the_cell_bound_is_refused_so_sums_cannot_overflow(long value)
    {
        _submission.Tables[1].Cells[0].Value = value;

        var violation = Assert.Single(_validator.Validate(_submission));

        Assert.Equal("submission.tables[1].cells[0].value", violation.Field);
        Assert.Contains("outside -1000000000 to 1000000000", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_at_the_cell_bound_are_valid()
    {
        _submission.Tables[1].Cells[0].Value = SubmissionValidator.MaxCellMagnitude;
        _submission.Tables[1].Cells[1].Value = -SubmissionValidator.MaxCellMagnitude;

        Assert.Empty(_validator.Validate(_submission));
    }

    [Fact]
    public void Declared_variance_other_than_the_catalogue_is_refused_at_its_path()
    {
        _submission.Protection.TableNoise[2].Variance = "5";

        var violation = Assert.Single(_validator.Validate(_submission));

        Assert.Equal("submission.protection.table_noise[2].variance", violation.Field);
        Assert.Equal("Table T2 declares discrete Gaussian, variance 5, but dataset trafficking.victims.v1 requires discrete Gaussian, variance 20 for it.", violation.Description);
    }

    [Fact]
    public void Random_rounding_declared_where_the_catalogue_requires_noise_is_refused()
    {
        _submission.Protection = new Contracts.V1.ProtectionPolicy { Mechanism = ProtectionMechanism.RandomRounding, RoundingBase = 5 };

        var violations = _validator.Validate(_submission);

        Assert.Equal(["submission.protection.budget_rho", "submission.protection.mechanism"], violations.Select(v => v.Field));
        var violation = violations[1];
        Assert.Contains("requires T0 discrete Gaussian, variance 4; T1 discrete Gaussian, variance 20", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Undeclared_table_noise_is_refused_by_table()
    {
        _submission.Protection.TableNoise.RemoveAt(0);

        var violation = Assert.Single(_validator.Validate(_submission));

        Assert.Equal("submission.protection.table_noise", violation.Field);
        Assert.Contains("The protection of table T0 is not declared", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Different_budget_is_refused()
    {
        _submission.Protection.BudgetRho = "5";

        Assert.Equal("submission.protection.budget_rho", Assert.Single(_validator.Validate(_submission)).Field);
    }

    [Fact]
    public void Incomplete_grid_is_still_refused_under_noise()
    {
        _submission.Tables[3].Cells.RemoveAt(5);

        var violation = Assert.Single(_validator.Validate(_submission));

        Assert.Equal("submission.tables[3].cells", violation.Field);
        Assert.Contains("is missing; every cell of the grid is sent", violation.Description, StringComparison.Ordinal);
    }
}
