using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Compression;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Services;

/// <summary>
/// Refuses a unary or server-streaming request whose message is not valid protobuf of the method's request type with
/// INVALID_ARGUMENT, before gRPC would report the parse failure as UNKNOWN ("Exception was thrown by handler").
/// Oversized messages are left to gRPC's own limit, which answers RESOURCE_EXHAUSTED.
/// </summary>
internal sealed class MalformedMessageGuard(RequestDelegate next, IOptions<GrpcServiceOptions> grpcOptions)
{
    private const int FrameHeaderLength = 5;
    private static readonly ConcurrentDictionary<Type, MessageParser?> s_parsers = new();

    public async Task InvokeAsync(HttpContext context)
    {
        // HTTP/JSON calls (JSON transcoding) carry JSON, which the transcoding parses and refuses itself.
        var endpoint = context.GetEndpoint()?.Metadata;
        var method = endpoint?.GetMetadata<Microsoft.AspNetCore.Grpc.JsonTranscoding.GrpcJsonTranscodingMetadata>() is null
            ? endpoint?.GetMetadata<GrpcMethodMetadata>()?.Method
            : null;
        if (method is null || method.Type is not (MethodType.Unary or MethodType.ServerStreaming) || ParserOf(method) is not { } parser)
        {
            await next(context);
            return;
        }

        // gRPC's own default when unset is 4 MB.
        var limit = grpcOptions.Value.MaxReceiveMessageSize ?? 4 * 1024 * 1024;
        context.Request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: (2L * limit) + FrameHeaderLength);
        var problem = await DescribeProblemAsync(context.Request, parser, limit, context.RequestAborted);
        context.Request.Body.Position = 0;
        if (problem is not null)
        {
            GrpcStatusResponse.Write(context.Response, StatusCode.InvalidArgument, $"The request is not a valid {method.FullName} request message: {problem}");
            return;
        }

        await next(context);
    }

    private static MessageParser? ParserOf(IMethod method) => s_parsers.GetOrAdd(method.GetType(), type =>
        type.IsGenericType && typeof(IMessage).IsAssignableFrom(type.GenericTypeArguments[0])
            ? type.GenericTypeArguments[0].GetProperty("Parser")?.GetValue(null) as MessageParser
            : null);

    private static async Task<string?> DescribeProblemAsync(HttpRequest request, MessageParser parser, int limit, CancellationToken cancellationToken)
    {
        byte[] body;
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            // Most requests are one small read: no stream to copy through.
            var first = await request.Body.ReadAtLeastAsync(chunk, chunk.Length, throwOnEndOfStream: false, cancellationToken);
            if (first < chunk.Length)
            {
                body = chunk.AsSpan(0, first).ToArray();
            }
            else
            {
                using var buffer = new MemoryStream();
                buffer.Write(chunk, 0, first);
                int read;
                while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
                {
                    buffer.Write(chunk, 0, read);
                    if (buffer.Length > limit + FrameHeaderLength)
                    {
                        return null; // gRPC refuses it as too large
                    }
                }

                body = buffer.ToArray();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        if (body.Length < FrameHeaderLength)
        {
            return "the body is shorter than a gRPC message frame (5 bytes).";
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1));
        if (length != body.Length - FrameHeaderLength)
        {
            return length > limit ? null : $"the frame announces {length} bytes but {body.Length - FrameHeaderLength} follow (one message per request).";
        }

        var message = body.AsMemory(FrameHeaderLength);
        if (body[0] == 1)
        {
            if (!string.Equals(request.Headers["grpc-encoding"], "gzip", StringComparison.Ordinal))
            {
                return null; // gRPC answers for other encodings
            }

            try
            {
                await using var gzip = new GZipStream(new MemoryStream(body, FrameHeaderLength, body.Length - FrameHeaderLength), CompressionMode.Decompress);
                using var inflated = new MemoryStream();
                var inflatedChunk = new byte[16 * 1024];
                int read;
                while ((read = await gzip.ReadAsync(inflatedChunk, cancellationToken)) > 0)
                {
                    inflated.Write(inflatedChunk, 0, read);
                    if (inflated.Length > limit)
                    {
                        return null; // gRPC refuses it as too large
                    }
                }

                message = inflated.ToArray();
            }
            catch (InvalidDataException e)
            {
                return $"the gzip-compressed message is corrupt ({e.Message}).";
            }
        }

        try
        {
            parser.ParseFrom(message.Span);
            return null;
        }
        catch (InvalidProtocolBufferException e)
        {
            return e.Message;
        }
    }
}
