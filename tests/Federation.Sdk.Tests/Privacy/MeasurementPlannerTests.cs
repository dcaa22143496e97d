using System.Text;
using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;

namespace Federation.Sdk.Tests.Privacy;

/// <summary>
/// The measurement plan of a small dataset's workload: within the budget, every workload query determined, and no
/// better neighbouring plan (moving precision between any two tables only raises the workload's error).
/// </summary>
public sealed class MeasurementPlannerTests
{
    private const string Document = """
        {
          "id": "test.v1", "title": "Test", "description": "Test", "unit": "victim", "referencePeriod": "year",
          "jurisdictions": [ "ON", "QC" ],
          "dimensions": [
            { "id": "a", "title": "A", "codes": [ { "code": "a0", "label": "a0" }, { "code": "a1", "label": "a1" } ] },
            { "id": "b", "title": "B", "codes": [ { "code": "b0", "label": "b0" }, { "code": "b1", "label": "b1" }, { "code": "b2", "label": "b2" } ] },
            { "id": "c", "title": "C", "codes": [ { "code": "c0", "label": "c0" }, { "code": "c1", "label": "c1" }, { "code": "c2", "label": "c2" }, { "code": "c3", "label": "c3" } ] }
          ],
          "tables": [ { "id": "T0", "title": "Total", "dimensions": [] }, { "id": "T1", "title": "A by B", "dimensions": [ "a", "b" ] }, { "id": "T2", "title": "B by C", "dimensions": [ "b", "c" ] } ],
          "workload": [
            { "id": "W0", "title": "Total", "dimensions": [], "weight": 10 },
            { "id": "W1", "title": "A", "dimensions": [ "a" ], "weight": 1 },
            { "id": "W2", "title": "B", "dimensions": [ "b" ], "weight": 1 },
            { "id": "W3", "title": "C", "dimensions": [ "c" ], "weight": 1 },
            { "id": "W4", "title": "A by B", "dimensions": [ "a", "b" ], "weight": 0.2 }
          ],
          "protection": {
            "tables": {
              "T0": { "mechanism": "discrete-gaussian", "variance": "4" },
              "T1": { "mechanism": "discrete-gaussian", "variance": "20" },
              "T2": { "mechanism": "discrete-gaussian", "variance": "20" }
            },
            "budgetRho": "0.5"
          },
          "publicationCalendar": { "editions": [ { "monthsAfterYearEnd": 3 } ] }
        }
        """;

    private static readonly DatasetDefinition s_dataset = Parse(Document);

    [Fact]
    public void The_plan_keeps_catalogue_ids_adds_the_one_way_tables_and_costs_no_more_than_todays_policy()
    {
        var plan = MeasurementPlanner.Plan(s_dataset);

        var rho = plan.Aggregate(Rational.Zero, (sum, t) => sum + ZeroConcentratedDp.RhoOfGaussian(t.Variance));
        Assert.True(rho <= s_dataset.Protection.ReleaseRho, $"The plan costs rho {rho}, more than {s_dataset.Protection.ReleaseRho}.");
        Assert.True(rho.ToDouble() > 0.99 * s_dataset.Protection.ReleaseRho.ToDouble(), "The plan leaves budget unspent.");
        Assert.All(plan, t => Assert.Equal(0, (t.Variance * 100).Denominator.CompareTo(1)));
        Assert.Equal("T1", plan.Single(t => t.Dimensions.Select(d => d.Id).SequenceEqual(["a", "b"])).Id);
        Assert.Contains(plan, t => t.Dimensions.Count == 1 && t.Dimensions[0].Id == "c" && t.Id.StartsWith('T'));
        Assert.All(MeasurementPlanner.Margins(s_dataset, plan.Select(t => t.Measured).ToArray()), m => Assert.NotNull(m.Margin));
    }

    [Fact]
    public void Moving_precision_between_any_two_planned_tables_only_raises_the_workloads_error()
    {
        var plan = MeasurementPlanner.Plan(s_dataset);
        var precision = plan.Select(t => 1 / t.Variance.ToDouble()).ToArray();
        var best = Loss(plan, precision);

        for (var from = 0; from < plan.Count; from++)
        {
            for (var to = 0; to < plan.Count; to++)
            {
                if (from == to)
                {
                    continue;
                }

                var moved = (double[])precision.Clone();
                moved[from] *= 0.9;
                moved[to] += 0.1 * precision[from];
                Assert.True(Loss(plan, moved) >= best * (1 - 1e-3), $"Moving precision from {plan[from].Id} to {plan[to].Id} lowers the error.");
            }
        }

        // And the plan beats today's policy on the workload at the same cost.
        var today = s_dataset.Tables.Select(t => new PlannedTable(t.Id, t.Title, t.Dimensions, s_dataset.Protection.Of(t.Id).Variance)).ToArray();
        Assert.True(best < Loss(today, today.Select(t => 1 / t.Variance.ToDouble()).ToArray()));
    }

    [Fact]
    public void A_dataset_without_a_workload_has_nothing_to_plan_for()
    {
        var error = Assert.Throws<ArgumentException>(() => MeasurementPlanner.Plan(DatasetCatalog.Default.Get("trafficking.victims.v1") is var victims
            ? new DatasetDefinition(victims.Id, victims.Title, victims.Description, victims.Unit, victims.ReferencePeriod, victims.Jurisdictions, victims.Dimensions, victims.Tables, victims.Protection, victims.Calendar)
            : null!));

        Assert.StartsWith("Dataset 'trafficking.victims.v1' lists no workload", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_plan_written_into_the_document_is_read_back_as_its_tables_and_protection_keeping_the_rest()
    {
        var plan = MeasurementPlanner.Plan(s_dataset);

        var written = DatasetDocument.WithTables(Document, plan.Select(t => (t.Id, t.Title, (IReadOnlyList<string>)t.Dimensions.Select(d => d.Id).ToArray(), t.Variance)).ToArray(), "test.json");
        var read = Parse(written);

        Assert.Equal(plan.Select(t => t.Id), read.Tables.Select(t => t.Id));
        Assert.Equal(plan.Select(t => t.Variance), read.Protection.Tables.Select(t => t.Variance));
        Assert.Equal(s_dataset.Protection.BudgetRho, read.Protection.BudgetRho);
        Assert.Equal(s_dataset.Workload.Select(q => q.Id), read.Workload.Select(q => q.Id));
    }

    // The workload's weighted total expected squared error (per jurisdiction) of the GLS estimates.
    private static double Loss(IReadOnlyList<PlannedTable> tables, double[] precision)
    {
        var estimator = MarginalEstimator.For(tables.Select((t, i) => new MeasuredTable(t.Id, t.Dimensions, 1 / precision[i])).ToArray());
        return s_dataset.Workload.Sum(q => q.Weight * MeasurementPlanner.QueryCells(q).Sum(c => estimator.Cell(c, out _)!.Variance));
    }

    private static DatasetDefinition Parse(string json)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return DatasetDocument.Parse(stream, "test.json");
    }
}
