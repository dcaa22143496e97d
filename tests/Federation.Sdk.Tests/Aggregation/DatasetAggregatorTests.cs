using Federation.Sdk.Aggregation;
using Federation.Sdk.Catalog;
using Federation.Sdk.Records;
using Federation.Sdk.Tests.Records;

namespace Federation.Sdk.Tests.Aggregation;

public class DatasetAggregatorTests
{
    private static readonly DatasetDefinition s_dataset = DatasetCatalog.Default.Get("trafficking.victims.v1");
    private static IReadOnlyDictionary<string, string> CodesOf(CaseRecord record, int? age) => VictimCodes.Map(record, age).Codes;

    private static YearCounts Aggregate()
    {
        var aggregator = new DatasetAggregator(s_dataset);
        aggregator.Add(2023, CodesOf(Cases.Victim(), 22));
        aggregator.Add(2023, CodesOf(Cases.Victim() with { Gender = "Masculine", TypesOfExploitation = ["ForcedLabour"] }, 40));
        aggregator.Add(2023, CodesOf(Cases.Victim(), 16));
        return Assert.Single(aggregator.Results());
    }

    [Fact]
    public void Every_cell_of_every_table_is_present_in_grid_order_zeros_included()
    {
        var year = Aggregate();

        Assert.Equal(s_dataset.Tables.Select(t => t.Id), year.Tables.Select(t => t.Table.Id));
        foreach (var table in year.Tables)
        {
            Assert.Equal(table.Table.EnumerateCells(), table.Cells.Select(c => c.Codes));
        }

        Assert.Contains(year.Tables.SelectMany(t => t.Cells), c => c.Value == 0);
    }

    [Fact]
    public void Each_table_sums_to_the_total()
    {
        var year = Aggregate();
        var total = Assert.Single(year.Tables.Single(t => t.Table.Id == "T0").Cells).Value;

        Assert.Equal(3, total);
        Assert.All(year.Tables, t => Assert.Equal(total, t.Cells.Sum(c => c.Value)));
    }

    [Fact]
    public void A_victim_counts_in_the_cell_its_codes_select()
    {
        var t1 = Aggregate().Tables.Single(t => t.Table.Id == "T1");

        Assert.Equal(1, t1.Cells.Single(c => c.Codes.SequenceEqual(["WOMAN_GIRL", "AGE_18_24"])).Value);
        Assert.Equal(1, t1.Cells.Single(c => c.Codes.SequenceEqual(["WOMAN_GIRL", "UNDER_18"])).Value);
        Assert.Equal(1, t1.Cells.Single(c => c.Codes.SequenceEqual(["MAN_BOY", "AGE_35_PLUS"])).Value);
    }

    [Fact]
    public void Years_are_kept_apart_and_returned_in_order()
    {
        var aggregator = new DatasetAggregator(s_dataset);
        aggregator.Add(2024, CodesOf(Cases.Victim(), 22));
        aggregator.Add(2021, CodesOf(Cases.Victim(), 22));
        aggregator.Add(2024, CodesOf(Cases.Victim(), 22));

        var years = aggregator.Results();

        Assert.Equal([2021, 2024], years.Select(y => y.ReferenceYear));
        Assert.Equal([1L, 2L], years.Select(y => y.Tables[0].Cells[0].Value));
    }

    [Fact]
    public void A_code_outside_the_catalogue_is_refused()
    {
        var codes = new Dictionary<string, string>(CodesOf(Cases.Victim(), 22)) { ["gender"] = "FEMALE" };

        Assert.Throws<ArgumentException>(() => new DatasetAggregator(s_dataset).Add(2023, codes));
    }
}
