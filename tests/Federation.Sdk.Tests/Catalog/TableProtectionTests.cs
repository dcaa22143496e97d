using System.Text;
using Federation.Contracts.V1;
using Federation.Sdk.Aggregation;
using Federation.Sdk.Catalog;
using Federation.Sdk.Pipeline;
using Federation.Sdk.Privacy;
using Federation.Sdk.Protection;
using Federation.Sdk.Submissions;
using Federation.Sdk.Tests.Submissions;
using Federation.Sdk.Tests.Trust;
using ProtectionPolicy = Federation.Sdk.Catalog.ProtectionPolicy;

namespace Federation.Sdk.Tests.Catalog;

/// <summary>Each table has its own mechanism and parameter; costs, node protection and the gateway's check follow the table.</summary>
public sealed class TableProtectionTests
{
    private static readonly DateTimeOffset s_now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>trafficking.victims.v1 with T0 and T1 under discrete Gaussian noise and T2-T5 under discrete Laplace noise of scale 4.</summary>
    // A policy that costs more than half the budget can pay for one edition only.
    private static readonly PublicationCalendar s_firstEditionOnly = new([3]);

    private static readonly DatasetDefinition s_mixed = WithProtection(new ProtectionPolicy(
        TestDatasets.Default.Tables
            .Select(t => t.Id is "T0" or "T1"
                ? TableProtection.DiscreteGaussian(t.Id, t.Id == "T0" ? 4 : 20)
                : TableProtection.DiscreteLaplace(t.Id, 4))
            .ToArray(),
        new Rational(1, 2)));

    [Fact]
    public void The_default_policy_is_discrete_Gaussian_variance_4_for_T0_and_20_for_T1_to_T5_with_budget_one_half()
    {
        var policy = TestDatasets.Default.Protection;

        Assert.All(policy.Tables, t => Assert.Equal(ProtectionMechanismKind.DiscreteGaussian, t.Mechanism));
        Assert.Equal(["T0 4", "T1 20", "T2 20", "T3 20", "T4 20", "T5 20"], policy.Tables.Select(t => $"{t.TableId} {t.Variance}"));
        Assert.Equal(new Rational(1, 4), policy.ReleaseRho);
        Assert.Equal(new Rational(1, 2), policy.BudgetRho);
    }

    [Fact]
    public void Discrete_Laplace_costs_epsilon_squared_over_two_with_epsilon_one_over_the_scale()
    {
        // Scale 4: epsilon = 1/4, rho = (1/4)^2 / 2 = 1/32. Scale 1: epsilon 1, rho 1/2.
        Assert.Equal(new Rational(1, 32), TableProtection.DiscreteLaplace("T2", 4).Rho);
        Assert.Equal(new Rational(1, 2), TableProtection.DiscreteLaplace("T2", 1).Rho);
        Assert.Equal(new Rational(1, 40), TableProtection.DiscreteGaussian("T2", 20).Rho);
        // 1/8 + 1/40 + 4 x 1/32.
        Assert.Equal(new Rational(1, 8) + new Rational(1, 40) + new Rational(4, 32), s_mixed.Protection.ReleaseRho);
    }

    [Fact]
    public void Discrete_Laplace_cell_variance_at_epsilon_one_is_the_published_1_8410()
    {
        // Canonne, Kamath and Steinke (2020): the discrete Laplace with t = 1 has variance 2e/(e-1)^2 = 1.841.
        Assert.Equal(1.8410, TableProtection.DiscreteLaplace("T0", 1).CellVariance, 3);
        Assert.Equal(25 / 4.0, TableProtection.RandomRounding("T0", 5).CellVariance);
    }

    [Fact]
    public void A_dataset_document_sets_each_table_its_mechanism()
    {
        var dataset = Parse("""
            "T0": { "mechanism": "discrete-gaussian", "variance": "4" },
            "T1": { "mechanism": "discrete-laplace", "scale": "5/2" }
            """, "\"budgetRho\": \"0.5\"");

        Assert.Equal(TableProtection.DiscreteGaussian("T0", 4), dataset.Protection.Of("T0"));
        Assert.Equal(TableProtection.DiscreteLaplace("T1", new Rational(5, 2)), dataset.Protection.Of("T1"));
        Assert.True(dataset.Protection.IsNoise);
    }

    [Fact]
    public void A_dataset_document_may_round_each_table_to_its_own_base()
    {
        var dataset = Parse("""
            "T0": { "mechanism": "random-rounding", "roundingBase": 5 },
            "T1": { "mechanism": "random-rounding", "roundingBase": 3 }
            """);

        Assert.False(dataset.Protection.IsNoise);
        Assert.Equal(3, dataset.Protection.Of("T1").RoundingBase);
        // No shared base, so releases declare each table's base.
        var declared = dataset.Protection.ToDeclaration();
        Assert.Equal(0, declared.RoundingBase);
        Assert.Equal([5, 3], declared.TableNoise.Select(t => t.RoundingBase));
    }

    [Fact]
    public void A_dataset_mixing_noise_and_random_rounding_is_refused_naming_the_tables()
    {
        var refusal = Assert.Throws<InvalidDataException>(() => Parse("""
            "T0": { "mechanism": "discrete-gaussian", "variance": "4" },
            "T1": { "mechanism": "random-rounding", "roundingBase": 5 }
            """, "\"budgetRho\": \"0.5\""));

        Assert.Contains("test.json: Tables T0 are protected by noise and T1 by random rounding; a dataset is either all noise", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "mechanism": "discrete-laplace" }""", "protection.tables.T1 is discrete-laplace and needs its scale")]
    [InlineData("""{ "mechanism": "discrete-gaussian", "variance": "20", "scale": "2" }""", "protection.tables.T1 is discrete-gaussian, which takes variance, not scale")]
    [InlineData("""{ "mechanism": "discrete-laplace", "scale": "-1" }""", "protection.tables.T1.scale must be a positive exact number")]
    [InlineData("""{ "mechanism": "laplace", "scale": "1" }""", "protection.tables.T1.mechanism 'laplace' is unknown")]
    public void A_table_protection_with_the_wrong_parameters_is_refused_naming_the_setting(string table, string expected)
    {
        var refusal = Assert.Throws<InvalidDataException>(() => Parse(
            $"\"T0\": {{ \"mechanism\": \"discrete-gaussian\", \"variance\": \"4\" }}, \"T1\": {table}", "\"budgetRho\": \"0.5\""));

        Assert.Contains(expected, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_wire_form_of_a_mixed_policy_names_each_table_mechanism_parameter_and_rho()
    {
        var wire = s_mixed.Protection.ToContract();

        Assert.Equal(ProtectionMechanism.Unspecified, wire.Mechanism);
        Assert.Equal("0.5", wire.BudgetRho);
        Assert.Equal(
            ["T0 DiscreteGaussian 4  0.125", "T1 DiscreteGaussian 20  0.025", "T2 DiscreteLaplace  4 0.03125"],
            wire.TableNoise.Take(3).Select(t => $"{t.TableId} {t.Mechanism} {t.Variance} {t.Scale} {t.Rho}"));
    }

    [Fact]
    public void The_default_policy_is_declared_in_the_form_older_gateways_read_and_the_per_table_form_is_accepted_too()
    {
        var validator = new SubmissionValidator(DatasetCatalog.Default, new FixedTimeProvider(s_now));
        var submission = ValidSubmissions.For(TestDatasets.Default, "ON", 2024, s_now.AddMinutes(-1));

        Assert.Equal(ProtectionMechanism.DiscreteGaussian, submission.Protection.Mechanism);
        Assert.All(submission.Protection.TableNoise, t => Assert.Equal(ProtectionMechanism.Unspecified, t.Mechanism));
        Assert.Empty(validator.Validate(submission));

        submission.Protection = TestDatasets.Default.Protection.ToContract();
        Assert.Empty(validator.Validate(submission));
    }

    [Fact]
    public void Node_releases_under_a_mixed_policy_pass_the_gateway_rules_and_are_charged_each_table_cost()
    {
        using var state = new TemporaryDirectory();
        using var ledger = PrivacyLedger.Open(state.Path);
        var maker = new LedgeredReleaseMaker(s_mixed, ledger, new byte[32], new FixedTimeProvider(s_now));
        var aggregator = new DatasetAggregator(s_mixed);
        aggregator.IncludeYear(2024);

        var submission = maker.Make(aggregator.Results(), "ON", "node-on", s_now.AddMinutes(-1)).Single();

        Assert.Empty(new SubmissionValidator(new DatasetCatalog([s_mixed]), new FixedTimeProvider(s_now)).Validate(submission));
        Assert.Equal(ProtectionMechanism.DiscreteLaplace, submission.Protection.TableNoise[2].Mechanism);
        Assert.Equal(s_mixed.Protection.ReleaseRho, PrivacyLedger.SpentOf(ledger.Entries, s_mixed.Id, 2024));
    }

    [Fact]
    public void A_table_declared_with_another_mechanism_than_the_catalogue_is_refused_naming_the_table()
    {
        var validator = new SubmissionValidator(new DatasetCatalog([s_mixed]), new FixedTimeProvider(s_now));
        var submission = ValidSubmissions.For(s_mixed, "ON", 2024, s_now.AddMinutes(-1));
        submission.Protection.TableNoise[3] = new Contracts.V1.TableNoise { TableId = "T3", Mechanism = ProtectionMechanism.DiscreteGaussian, Variance = "20" };
        submission.Protection.TableNoise[4].Scale = "2";

        var violations = validator.Validate(submission);

        Assert.Equal(["submission.protection.table_noise[3].mechanism", "submission.protection.table_noise[4].scale"], violations.Select(v => v.Field));
        Assert.Equal(
            "Table T3 declares discrete Gaussian, variance 20, but dataset trafficking.victims.v1 requires discrete Laplace, scale 4 for it.",
            violations[0].Description);
        Assert.Contains("Table T4 declares discrete Laplace, scale 2", violations[1].Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_mechanism_release_is_refused_where_the_catalogue_mixes_mechanisms()
    {
        var validator = new SubmissionValidator(new DatasetCatalog([s_mixed]), new FixedTimeProvider(s_now));
        var submission = ValidSubmissions.For(s_mixed, "ON", 2024, s_now.AddMinutes(-1));
        submission.Protection = TestDatasets.Default.Protection.ToDeclaration();

        var violations = validator.Validate(submission);

        Assert.Equal("submission.protection.mechanism", violations[0].Field);
        Assert.Contains("whose tables use different mechanisms", violations[0].Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_rounding_rounds_each_table_to_its_base()
    {
        var policy = new ProtectionPolicy([TableProtection.RandomRounding("T0", 5), TableProtection.RandomRounding("T1", 3)], Rational.Zero);
        var rounding = new KeyedRandomRounding(Enumerable.Repeat((byte)9, 32).ToArray(), policy);

        Assert.All(Enumerable.Range(0, 200), n =>
        {
            Assert.Equal(0, rounding.Protect(new CellContext("d", "ON", 2024, "T0", [$"C{n}"]), n % 17) % 5);
            Assert.Equal(0, rounding.Protect(new CellContext("d", "ON", 2024, "T1", [$"C{n}"]), n % 17) % 3);
        });
    }

    private static DatasetDefinition WithProtection(ProtectionPolicy policy)
    {
        var d = TestDatasets.Default;
        return new DatasetDefinition(d.Id, d.Title, d.Description, d.Unit, d.ReferencePeriod, d.Jurisdictions, d.Dimensions, d.Tables, policy, s_firstEditionOnly, d.Record, d.UnitOfPrivacy);
    }

    private static DatasetDefinition Parse(string tables, string budget = "")
    {
        var json = $$"""
            {
              "id": "test.v1", "title": "Test", "description": "Test", "unit": "victim", "referencePeriod": "year",
              "jurisdictions": [ "ON" ],
              "dimensions": [ { "id": "gender", "title": "Gender", "codes": [ { "code": "A", "label": "A" }, { "code": "B", "label": "B" } ] } ],
              "tables": [ { "id": "T0", "title": "Total", "dimensions": [] }, { "id": "T1", "title": "Gender", "dimensions": [ "gender" ] } ],
              "protection": { "tables": { {{tables}} }{{(budget.Length > 0 ? ", " + budget : "")}} },
              "publicationCalendar": { "editions": [ { "monthsAfterYearEnd": 3 } ] }
            }
            """;
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return DatasetDocument.Parse(stream, "test.json");
    }
}
