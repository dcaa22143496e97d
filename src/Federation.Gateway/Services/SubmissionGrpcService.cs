using Federation.Contracts.V1;
using Federation.Gateway.Ingestion;
using Grpc.Core;

namespace Federation.Gateway.Services;

/// <summary>Receives signed submissions from nodes.</summary>
internal sealed class SubmissionGrpcService(SubmissionIngestor ingestor) : SubmissionService.SubmissionServiceBase
{
    public override async Task<SubmitResponse> Submit(SubmitRequest request, ServerCallContext context) =>
        new() { Receipt = await ingestor.IngestAsync(request.Envelope, context.CancellationToken) };
}
