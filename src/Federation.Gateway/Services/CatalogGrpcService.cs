using Federation.Contracts.V1;
using Federation.Gateway.Identity;
using Federation.Gateway.Limits;
using Federation.Sdk.Catalog;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Federation.Gateway.Services;

/// <summary>Serves the dataset catalogue so clients discover datasets, tables and protection policy.</summary>
[Authorize(Policy = AccessPolicies.StatisticsReader)]
internal sealed class CatalogGrpcService(DatasetCatalog catalog, RequestLimitChecker limits) : CatalogService.CatalogServiceBase
{
    public override Task<ListDatasetsResponse> ListDatasets(ListDatasetsRequest request, ServerCallContext context)
    {
        var response = new ListDatasetsResponse();
        response.Datasets.AddRange(catalog.Datasets.Select(d => d.ToSummary()));
        return Task.FromResult(response);
    }

    public override Task<DescribeDatasetResponse> DescribeDataset(DescribeDatasetRequest request, ServerCallContext context)
    {
        var dataset = catalog.Find(request.DatasetId) ?? throw new RequestRefusedException(
            RefusalKind.NotFound,
            $"Unknown dataset '{request.DatasetId}'. Known datasets: {string.Join(", ", catalog.Datasets.Select(d => d.Id))}.",
            "dataset_id");
        return Task.FromResult(new DescribeDatasetResponse { Dataset = dataset.ToContract(), Limits = limits.Publish() });
    }
}
