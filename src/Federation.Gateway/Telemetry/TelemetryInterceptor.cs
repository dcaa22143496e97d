using System.Diagnostics;
using System.Text.RegularExpressions;
using Federation.Contracts.V1;
using Federation.Gateway.Identity;
using Federation.Gateway.Services;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Tags = Federation.Gateway.Telemetry.GatewayTelemetry.Tags;

namespace Federation.Gateway.Telemetry;

/// <summary>
/// The one seam where the gateway's calls are traced and counted (<see cref="GatewayTelemetry"/>): an activity per
/// call of a federation service, child of the caller's trace when the call carries a W3C traceparent; releases accepted
/// and refused; query latency; capacity streams open. Recording costs nothing measurable while no listener is attached.
/// </summary>
internal sealed partial class TelemetryInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var call = CallOf(context.Method);
        using var activity = call.Source?.StartActivity(call.Name, ActivityKind.Internal);
        activity?.SetTag("rpc.system", "grpc").SetTag("rpc.service", call.Service).SetTag("rpc.method", call.Method);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await continuation(request, context);
            Completed(request, response, activity, Stopwatch.GetElapsedTime(started));
            return response;
        }
        catch (Exception e) when (StatusOf(e) is { } status)
        {
            Failed(request, context, activity, status, Stopwatch.GetElapsedTime(started));
            throw;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var call = CallOf(context.Method);
        using var activity = call.Source?.StartActivity(call.Name, ActivityKind.Internal);
        activity?.SetTag("rpc.system", "grpc").SetTag("rpc.service", call.Service).SetTag("rpc.method", call.Method);
        var watch = request is WatchCapacityRequest;
        if (watch)
        {
            GatewayTelemetry.ServiceDirectory.Streams.Add(1);
        }

        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (StatusOf(e) is { } status)
        {
            activity?.SetTag("rpc.grpc.status_code", (int)status.Code).SetStatus(ActivityStatusCode.Error, status.Reason);
            throw;
        }
        finally
        {
            if (watch)
            {
                GatewayTelemetry.ServiceDirectory.Streams.Add(-1);
            }
        }
    }

    private static void Completed<TRequest, TResponse>(TRequest request, TResponse response, Activity? activity, TimeSpan elapsed)
    {
        activity?.SetTag("rpc.grpc.status_code", (int)StatusCode.OK);
        switch (response)
        {
            case SubmitResponse { Receipt: { } receipt }:
                Accepted(activity, "statistics", receipt.DatasetId, receipt.Jurisdiction);
                break;
            case SubmitDirectoryResponse { Receipt: { } receipt }:
                Accepted(activity, "directory", DirectoryDataset, receipt.Jurisdiction);
                break;
            case QueryResponse when request is QueryRequest query:
                RecordQuery(query, StatusCode.OK, elapsed);
                break;
        }
    }

    private static void Failed<TRequest>(TRequest request, ServerCallContext context, Activity? activity, FailedStatus status, TimeSpan elapsed)
    {
        activity?.SetTag("rpc.grpc.status_code", (int)status.Code).SetStatus(ActivityStatusCode.Error, status.Reason);
        switch (request)
        {
            case SubmitRequest or SubmitDirectoryRequest:
                var kind = request is SubmitRequest ? "statistics" : "directory";
                var jurisdiction = NodeCaller.From(context.GetHttpContext().User).Jurisdiction ?? Unknown;
                var field = status.Field is null ? Unknown : Indices().Replace(status.Field, string.Empty);
                activity?.SetTag(Tags.Kind, kind).SetTag(Tags.Jurisdiction, jurisdiction).SetTag(Tags.Reason, status.Reason).SetTag(Tags.Field, field);
                GatewayTelemetry.Ingestion.Refused.Add(
                    1,
                    new(Tags.Kind, kind),
                    new(Tags.Reason, status.Reason),
                    new(Tags.Field, field),
                    new(Tags.Jurisdiction, jurisdiction));
                break;
            case QueryRequest query:
                RecordQuery(query, status.Code, elapsed);
                break;
        }
    }

    private static void Accepted(Activity? activity, string kind, string dataset, string jurisdiction)
    {
        activity?.SetTag(Tags.Kind, kind).SetTag(Tags.Dataset, dataset).SetTag(Tags.Jurisdiction, jurisdiction);
        GatewayTelemetry.Ingestion.Accepted.Add(1, new(Tags.Kind, kind), new(Tags.Dataset, dataset), new(Tags.Jurisdiction, jurisdiction));
    }

    private static void RecordQuery(QueryRequest query, StatusCode status, TimeSpan elapsed)
    {
        var dataset = string.IsNullOrEmpty(query.DatasetId) ? Unknown : query.DatasetId;
        Activity.Current?.SetTag(Tags.Dataset, dataset);
        GatewayTelemetry.Query.Duration.Record(
            elapsed.TotalSeconds,
            new(Tags.Dataset, dataset),
            new(Tags.View, query.Publication ? "publication" : "estimates"),
            new(Tags.Status, ReasonOf(status)));
    }

    /// <summary>The status a failed call ends with, its reason code (for example failed_precondition) and the first field at fault.</summary>
    private static FailedStatus? StatusOf(Exception error) => error switch
    {
        RequestRefusedException refusal => new(refusal.ToRpcException().StatusCode, refusal.Violations.Count > 0 ? refusal.Violations[0].Field : null),
        RpcException rpc => new(rpc.StatusCode, null),
        OperationCanceledException => new(StatusCode.Cancelled, null),
        _ => new(StatusCode.Internal, null),
    };

    private static Call CallOf(string method)
    {
        // "/federation.v1.QueryService/Query"
        var slash = method.LastIndexOf('/');
        var service = slash > 0 ? method[1..slash] : method;
        var name = slash > 0 ? method[(slash + 1)..] : method;
        var source = service switch
        {
            "federation.v1.SubmissionService" => GatewayTelemetry.Ingestion.Source,
            "federation.v1.QueryService" => GatewayTelemetry.Query.Source,
            "federation.v1.TransparencyLogService" => GatewayTelemetry.Transparency.Source,
            "federation.v1.DirectoryService" when name == "SubmitDirectory" => GatewayTelemetry.Ingestion.Source,
            "federation.v1.DirectoryService" => GatewayTelemetry.ServiceDirectory.Source,
            _ => null, // catalogue, admin and health calls: traced by the ASP.NET Core instrumentation alone
        };
        return new(source, service, name, method.TrimStart('/'));
    }

    internal static string ReasonOf(StatusCode code) => SnakeCase().Replace(code.ToString(), "$1_$2").ToLowerInvariant();

    private const string DirectoryDataset = GatewayTelemetry.DirectoryDataset;
    private const string Unknown = GatewayTelemetry.Unknown;

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Indices();

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex SnakeCase();

    private sealed record Call(ActivitySource? Source, string Service, string Method, string Name);

    private sealed record FailedStatus(StatusCode Code, string? Field)
    {
        public string Reason => ReasonOf(Code);
    }
}
