using System.Text;
using Federation.Sdk.Catalog;

namespace Federation.Sdk.Tests.Catalog;

/// <summary>The catalogue's workload section: the queries the federation publishes, checked when the document loads.</summary>
public sealed class WorkloadTests
{
    [Theory]
    [InlineData("trafficking.victims.v1")]
    [InlineData("trafficking.prosecutions.v1")]
    public void Each_shipped_dataset_publishes_its_total_per_jurisdiction_and_every_one_way_national_breakdown(string datasetId)
    {
        var dataset = DatasetCatalog.Default.Get(datasetId);

        Assert.Contains(dataset.Workload, q => q.Dimensions.Count == 0 && !q.ByJurisdiction);
        Assert.Contains(dataset.Workload, q => q.Dimensions.Count == 0 && q.ByJurisdiction);
        Assert.All(dataset.Dimensions, d => Assert.Contains(dataset.Workload, q => !q.ByJurisdiction && q.Dimensions.SequenceEqual([d])));
        Assert.All(dataset.Workload, q => Assert.True(q.Weight > 0));
    }

    [Fact]
    public void A_workload_query_is_read_with_its_dimensions_weight_and_scope()
    {
        var dataset = Parse("""{ "id": "W1", "title": "By gender", "dimensions": [ "gender" ], "byJurisdiction": true, "weight": 0.5 }""");

        var query = Assert.Single(dataset.Workload);
        Assert.Equal(("W1", "By gender", "gender", true, 0.5), (query.Id, query.Title, query.Dimensions.Single().Id, query.ByJurisdiction, query.Weight));
        Assert.Equal(2, query.CellCount);
        Assert.Equal("gender, by jurisdiction", query.Describe());
    }

    [Theory]
    [InlineData("""{ "id": "W1", "dimensions": [ "sex" ], "weight": 1 }""", "workload[0].dimensions[0] of query 'W1' names unknown dimension 'sex'; the dimensions are gender.")]
    [InlineData("""{ "id": "W1", "dimensions": [ "gender", "gender" ], "weight": 1 }""", "workload[0].dimensions[1] of query 'W1' names dimension 'gender' twice.")]
    [InlineData("""{ "id": "W1", "dimensions": [], "weight": 0 }""", "workload[0].weight of query 'W1' must be a positive number")]
    [InlineData("""{ "id": "W1", "dimensions": [] }""", "workload[0].weight of query 'W1' must be a positive number")]
    [InlineData("""{ "id": "W1", "weight": 1 }""", "workload[0].dimensions lists the dimensions query 'W1' groups by")]
    [InlineData("""{ "dimensions": [], "weight": 1 }""", "workload[0].id names the query")]
    [InlineData("""{ "id": "W1", "dimensions": [], "weight": 1 }, { "id": "W1", "dimensions": [], "weight": 1 }""", "workload[1].id 'W1' names another workload query too.")]
    public void A_bad_workload_query_is_refused_naming_the_setting(string queries, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => Parse(queries));

        Assert.Contains("test.json: " + expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_without_a_workload_has_an_empty_one() => Assert.Empty(Parse(null).Workload);

    private static DatasetDefinition Parse(string? workload)
    {
        var json = $$"""
            {
              "id": "test.v1", "title": "Test", "description": "Test", "unit": "victim", "referencePeriod": "year",
              "jurisdictions": [ "ON" ],
              "dimensions": [ { "id": "gender", "title": "Gender", "codes": [ { "code": "A", "label": "A" }, { "code": "B", "label": "B" } ] } ],
              "tables": [ { "id": "T0", "title": "Total", "dimensions": [] }, { "id": "T1", "title": "Gender", "dimensions": [ "gender" ] } ],
              {{(workload is null ? "" : $"\"workload\": [ {workload} ],")}}
              "protection": { "tables": { "T0": { "mechanism": "discrete-gaussian", "variance": "4" }, "T1": { "mechanism": "discrete-gaussian", "variance": "4" } }, "budgetRho": "1" },
              "publicationCalendar": { "editions": [ { "monthsAfterYearEnd": 3 } ] }
            }
            """;
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return DatasetDocument.Parse(stream, "test.json");
    }
}
