using Federation.Contracts.V1;
using Federation.Gateway.Identity;
using Federation.Gateway.Ingestion;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Federation.Gateway.Services;

/// <summary>Receives signed submissions from nodes; the caller's token, the signer and the payload must agree. Receipts are signed.</summary>
[Authorize(Policy = AccessPolicies.Submit)]
internal sealed class SubmissionGrpcService(SubmissionIngestor ingestor, ClientRegistry registry, GatewaySigningKey signingKey) : SubmissionService.SubmissionServiceBase
{
    public override async Task<SubmitResponse> Submit(SubmitRequest request, ServerCallContext context)
    {
        var caller = NodeCaller.From(context.GetHttpContext().User);
        var receipt = await ingestor.IngestAsync(
            request.Envelope,
            (verification, cancellationToken) => caller.AuthorizeAsync(verification, registry, cancellationToken),
            context.CancellationToken);
        var signed = receipt.ToByteArray();
        return new SubmitResponse
        {
            Receipt = receipt,
            SignedReceipt = ByteString.CopyFrom(signed),
            ReceiptSignature = ByteString.CopyFrom(signingKey.Sign(signed)),
        };
    }
}
