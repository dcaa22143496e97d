using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http.Features;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Federation.Gateway.Audit;

/// <summary>
/// Records every gRPC query (catalogue, query and admin methods) and every refused call, whatever refused it
/// (authentication, authorization, validation, size limits), after the response is complete. HTTP/JSON calls of the
/// same methods (JSON transcoding) are recorded as their gRPC method, with the status their HTTP status stands for.
/// </summary>
internal sealed partial class AuditMiddleware(RequestDelegate next, IAuditLog audit, TimeProvider timeProvider, ILogger<AuditMiddleware> logger)
{
    internal const string ParametersKey = "federation.audit.parameters";

    public async Task InvokeAsync(HttpContext context)
    {
        var transcoded = context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>();
        if (transcoded is null && context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true)
        {
            await next(context);
            return;
        }

        await next(context);
        var method = transcoded is null
            ? context.Request.Path.Value ?? string.Empty
            : $"/{transcoded.MethodDescriptor.Service.FullName}/{transcoded.MethodDescriptor.Name}";
        var (code, message) = transcoded is null ? ReadStatus(context) : ReadHttpStatus(context);
        var refused = code != StatusCode.OK;
        if (!refused && !IsQuery(method))
        {
            return;
        }

        // Only references and the status are taken here: the writer formats the record (AuditCall.ToRecord).
        var call = new AuditCall(
            timeProvider.GetUtcNow(), context.User.GetClaim(Claims.Subject), method, context.Items.TryGetValue(ParametersKey, out var request) ? request : null, code, message);
        try
        {
            await audit.RecordAsync(call, CancellationToken.None);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or Storage.GatewayDatabaseUnavailableException)
        {
            LogAuditFailure(e, method, call.ClientId ?? "anonymous");
        }
    }

    // Health and reflection are plumbing; submissions are recorded in the store itself. Everything else reads data.
    private static bool IsQuery(string method) =>
        !method.StartsWith("/grpc.", StringComparison.Ordinal) && !method.StartsWith("/federation.v1.SubmissionService/", StringComparison.Ordinal);

    private static (StatusCode Code, string Message) ReadStatus(HttpContext context)
    {
        var trailers = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
        var status = FirstOf("grpc-status", trailers, context.Response.Headers);
        var message = FirstOf("grpc-message", trailers, context.Response.Headers);
        if (status is null)
        {
            return context.Response.StatusCode switch
            {
                StatusCodes.Status401Unauthorized => (StatusCode.Unauthenticated, "HTTP 401"),
                StatusCodes.Status403Forbidden => (StatusCode.PermissionDenied, "HTTP 403"),
                StatusCodes.Status413PayloadTooLarge => (StatusCode.ResourceExhausted, "HTTP 413"),
                >= 400 => (StatusCode.Unknown, $"HTTP {context.Response.StatusCode}"),
                _ => (StatusCode.Unknown, "no gRPC status"),
            };
        }

        var code = int.TryParse(status, out var number) ? (StatusCode)number : StatusCode.Unknown;
        return (code, message is null ? string.Empty : Uri.UnescapeDataString(message));
    }

    // The gRPC status an HTTP/JSON answer's HTTP status stands for (the inverse of the transcoding's mapping).
    private static (StatusCode Code, string Message) ReadHttpStatus(HttpContext context)
    {
        var http = context.Response.StatusCode;
        var code = http switch
        {
            StatusCodes.Status200OK => StatusCode.OK,
            StatusCodes.Status400BadRequest => StatusCode.InvalidArgument,
            StatusCodes.Status401Unauthorized => StatusCode.Unauthenticated,
            StatusCodes.Status403Forbidden => StatusCode.PermissionDenied,
            StatusCodes.Status404NotFound => StatusCode.NotFound,
            StatusCodes.Status409Conflict => StatusCode.Aborted,
            StatusCodes.Status412PreconditionFailed => StatusCode.FailedPrecondition,
            StatusCodes.Status413PayloadTooLarge or StatusCodes.Status429TooManyRequests => StatusCode.ResourceExhausted,
            499 => StatusCode.Cancelled,
            StatusCodes.Status501NotImplemented => StatusCode.Unimplemented,
            StatusCodes.Status503ServiceUnavailable => StatusCode.Unavailable,
            StatusCodes.Status504GatewayTimeout => StatusCode.DeadlineExceeded,
            StatusCodes.Status500InternalServerError => StatusCode.Internal,
            _ => StatusCode.Unknown,
        };
        return (code, code == StatusCode.OK ? string.Empty : $"HTTP {http} (HTTP/JSON)");
    }

    private static string? FirstOf(string name, IHeaderDictionary? trailers, IHeaderDictionary headers)
    {
        if (trailers is not null && trailers.TryGetValue(name, out var fromTrailers) && fromTrailers.Count > 0)
        {
            return fromTrailers[0];
        }

        return headers.TryGetValue(name, out var fromHeaders) && fromHeaders.Count > 0 ? fromHeaders[0] : null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the audit record of {Method} by {Client}")]
    private partial void LogAuditFailure(Exception exception, string method, string client);
}

/// <summary>Puts each request message where the audit middleware finds it (formatted later, by the audit writer).</summary>
internal sealed class AuditParametersInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        context.GetHttpContext().Items[AuditMiddleware.ParametersKey] = request;
        return continuation(request, context);
    }
}
