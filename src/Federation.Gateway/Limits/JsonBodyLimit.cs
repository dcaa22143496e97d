using System.Text.Json;
using Federation.Gateway.Hosting;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Limits;

/// <summary>
/// Holds an HTTP/JSON call (JSON transcoding) to the message size a gRPC call is held to (<see
/// cref="GatewayOptions.MaxReceiveMessageBytes"/>): a body that announces more is refused with HTTP 413 and a JSON
/// status (code 8, RESOURCE_EXHAUSTED, as gRPC answers) naming the limit, before any of it is read; a body sent
/// without its length is cut off at the limit by the server.
/// </summary>
internal sealed class JsonBodyLimit(RequestDelegate next, IOptions<GatewayOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is null)
        {
            await next(context);
            return;
        }

        var limit = options.Value.MaxReceiveMessageBytes;
        if (context.Request.ContentLength is { } length && length > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            context.Response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(context.Response.Body, new
            {
                code = (int)Grpc.Core.StatusCode.ResourceExhausted,
                message = $"The request body has {length} bytes; at most {limit} are accepted (Gateway:MaxReceiveMessageBytes), as for a gRPC message.",
                details = Array.Empty<object>(),
            }, cancellationToken: context.RequestAborted);
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit;
        }

        await next(context);
    }
}
