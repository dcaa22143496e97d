using Federation.Contracts.V1;
using Grpc.Core;
using Grpc.Health.V1;

namespace Federation.Gateway.Tests;

public sealed class CatalogAndHealthTests(SharedGateway shared) : IClassFixture<SharedGateway>
{
    [Fact]
    public async Task ListDatasets_names_the_victims_dataset()
    {
        var gateway = shared.Gateway;

        var response = await gateway.Catalog.ListDatasetsAsync(new ListDatasetsRequest());

        Assert.Contains(response.Datasets, d => d.Id == "trafficking.victims.v1");
    }

    [Fact]
    public async Task DescribeDataset_publishes_dimensions_tables_protection_and_publication_calendar()
    {
        var gateway = shared.Gateway;

        var dataset = (await gateway.Catalog.DescribeDatasetAsync(new DescribeDatasetRequest { DatasetId = "trafficking.victims.v1" })).Dataset;

        Assert.Equal(["T0", "T1", "T2", "T3", "T4", "T5"], dataset.Tables.Select(t => t.Id));
        Assert.Equal([1, 20, 40, 24, 32, 30], dataset.Tables.Select(t => t.CellCount));
        Assert.Equal(ProtectionMechanism.DiscreteGaussian, dataset.Protection.Mechanism);
        Assert.Equal(["T0 4", "T1 20", "T2 20", "T3 20", "T4 20", "T5 20"], dataset.Protection.TableNoise.Select(t => $"{t.TableId} {t.Variance}"));
        Assert.Equal(
            ["T0 DiscreteGaussian 4 0.125", "T1 DiscreteGaussian 20 0.025", "T2 DiscreteGaussian 20 0.025", "T3 DiscreteGaussian 20 0.025", "T4 DiscreteGaussian 20 0.025", "T5 DiscreteGaussian 20 0.025"],
            dataset.Protection.TableNoise.Select(t => $"{t.TableId} {t.Mechanism} {t.Variance} {t.Rho}"));
        Assert.Equal("0.5", dataset.Protection.BudgetRho);
        Assert.Equal(13, dataset.Jurisdictions.Count);
        Assert.Equal(["1 at 3", "2 at 15"], dataset.PublicationCalendar.Editions.Select(e => $"{e.Edition} at {e.MonthsAfterYearEnd}"));
    }

    [Fact]
    public async Task DescribeDataset_of_an_unknown_dataset_is_not_found()
    {
        var gateway = shared.Gateway;

        await RefusalAssert.RefusedAsync(StatusCode.NotFound, "dataset_id", async () =>
            await gateway.Catalog.DescribeDatasetAsync(new DescribeDatasetRequest { DatasetId = "nope" }));
    }

    [Fact]
    public async Task Health_reports_serving()
    {
        var gateway = shared.Gateway;

        var response = await new Health.HealthClient(gateway.Channel).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }
}
