using System.Collections;
using Federation.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Federation.Gateway.Tests;

/// <summary>
/// Sends malformed and hostile messages, as raw bytes, to every method of every service with a valid token of each kind
/// of client (analyst, administrator, node). Whatever the input, the answer is a precise status: never INTERNAL or
/// UNKNOWN (a handler that threw), and never a hang (DEADLINE_EXCEEDED). The messages are derived from the contract, so
/// a new method or field is fuzzed without changing this test; the generator is deterministic (no randomness).
/// </summary>
public sealed class AuthenticatedFuzzTests
{
    private static readonly Marshaller<byte[]> s_bytes = Marshallers.Create(b => b, b => b);

    private static readonly FileDescriptor[] s_contract =
    [
        CatalogReflection.Descriptor, SubmissionReflection.Descriptor, QueryReflection.Descriptor,
        TransparencyReflection.Descriptor, AdminReflection.Descriptor, DirectoryReflection.Descriptor,
    ];

    private enum Extreme
    {
        Smallest,
        Largest,
        Invalid,
    }

    [Theory]
    [InlineData("analyst")]
    [InlineData("admin")]
    [InlineData("node")]
    public async Task No_malformed_or_hostile_message_to_any_method_ends_internal_unknown_or_hung(string client)
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var admin = gateway.TokensFor(GatewayFixture.AdminCredentials);
        var tokens = client switch
        {
            "analyst" => gateway.Analyst,
            "admin" => admin,
            _ => await gateway.NodeTokensAsync("ON"),
        };
        var invoker = gateway.AnonymousChannel.CreateCallInvoker();
        var failures = new List<string>();
        var calls = 0;
        foreach (var method in s_contract.SelectMany(f => f.Services).SelectMany(s => s.Methods))
        {
            foreach (var (name, body) in Payloads(method.InputType))
            {
                calls++;
                var headers = await GatewayFixture.BearerAsync(tokens);
                var outcome = await CallAsync(invoker, method, body, headers);
                if (outcome.StatusCode is StatusCode.Internal or StatusCode.Unknown or StatusCode.DeadlineExceeded)
                {
                    failures.Add($"{method.FullName} {name}: {outcome.StatusCode} {outcome.Detail}");
                }
            }
        }

        Assert.True(calls > 300, $"only {calls} calls");
        Assert.True(failures.Count == 0, $"{failures.Count} of {calls} calls:\n" + string.Join('\n', failures));
        // Still responsive after all of it.
        Assert.Equal("T0", (await gateway.QueryAsync(new QueryRequest { DatasetId = "trafficking.victims.v1" })).TableId);
    }

    private static async Task<Status> CallAsync(CallInvoker invoker, MethodDescriptor method, byte[] body, Metadata headers)
    {
        var options = new CallOptions(headers, DateTime.UtcNow.AddSeconds(10));
        try
        {
            if (method.IsServerStreaming)
            {
                var rpc = new Method<byte[], byte[]>(MethodType.ServerStreaming, method.Service.FullName, method.Name, s_bytes, s_bytes);
                using var call = invoker.AsyncServerStreamingCall(rpc, null, options, body);
                // An established watch sends its headers and then waits for changes: that is an answer, not a hang.
                await call.ResponseHeadersAsync;
                using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                try
                {
                    while (await call.ResponseStream.MoveNext(wait.Token))
                    {
                    }
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && wait.IsCancellationRequested)
                {
                }

                return Status.DefaultSuccess;
            }

            var unary = new Method<byte[], byte[]>(MethodType.Unary, method.Service.FullName, method.Name, s_bytes, s_bytes);
            await invoker.AsyncUnaryCall(unary, null, options, body);
            return Status.DefaultSuccess;
        }
        catch (RpcException e)
        {
            return e.Status;
        }
    }

    /// <summary>Malformed bytes, then well-formed messages with every field at an extreme, then each field alone at each extreme.</summary>
    private static IEnumerable<(string Name, byte[] Body)> Payloads(MessageDescriptor input)
    {
        yield return ("empty", []);
        yield return ("garbage", [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]);
        yield return ("truncated varint", [0x08, 0x80]);
        yield return ("truncated length", [0x0A, 0x7F, 0x41]);
        yield return ("wrong wire type", [0x0D, 0x01, 0x02, 0x03, 0x04]);
        yield return ("unknown field", [0xF8, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]);
        foreach (var extreme in System.Enum.GetValues<Extreme>())
        {
            yield return ($"all fields {extreme}", Build(input, extreme, only: null, depth: 0).ToByteArray());
            foreach (var field in input.Fields.InFieldNumberOrder())
            {
                yield return ($"{field.Name} {extreme}", Build(input, extreme, only: field, depth: 0).ToByteArray());
            }
        }
    }

    private static IMessage Build(MessageDescriptor descriptor, Extreme extreme, FieldDescriptor? only, int depth)
    {
        var message = descriptor.Parser.ParseFrom(ByteString.Empty);
        foreach (var field in descriptor.Fields.InFieldNumberOrder())
        {
            if ((only is not null && field != only) || field.IsMap)
            {
                continue;
            }

            var value = Value(field, extreme, depth);
            if (value is null)
            {
                continue;
            }

            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                var copies = extreme == Extreme.Largest ? 3 : 1;
                for (var i = 0; i < copies; i++)
                {
                    list.Add(value);
                }
            }
            else
            {
                field.Accessor.SetValue(message, value);
            }
        }

        return message;
    }

    private static object? Value(FieldDescriptor field, Extreme extreme, int depth) => field.FieldType switch
    {
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => extreme switch { Extreme.Smallest => int.MinValue, Extreme.Largest => int.MaxValue, _ => -1 },
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => extreme switch { Extreme.Smallest => long.MinValue, Extreme.Largest => long.MaxValue, _ => -1L },
        FieldType.UInt32 or FieldType.Fixed32 => extreme == Extreme.Smallest ? 0u : uint.MaxValue,
        FieldType.UInt64 or FieldType.Fixed64 => extreme == Extreme.Smallest ? 0ul : ulong.MaxValue,
        FieldType.Double => extreme switch { Extreme.Smallest => double.MinValue, Extreme.Largest => double.MaxValue, _ => double.NaN },
        FieldType.Float => extreme switch { Extreme.Smallest => float.MinValue, Extreme.Largest => float.MaxValue, _ => float.NaN },
        FieldType.Bool => true,
        FieldType.String => extreme switch
        {
            Extreme.Smallest => "\0",
            Extreme.Largest => new string('Z', 100_000),
            _ => "../../etc/passwd\r\n' OR 1=1; --\u202E\uFFFD",
        },
        FieldType.Bytes => ByteString.CopyFrom(extreme == Extreme.Largest ? new byte[200_000] : [0xFF, 0x00, 0x30, 0x82]),
        FieldType.Enum => System.Enum.ToObject(field.EnumType.ClrType, extreme == Extreme.Smallest ? -1 : 999),
        FieldType.Message when field.MessageType.ClrType == typeof(Timestamp) => extreme switch
        {
            Extreme.Smallest => new Timestamp { Seconds = -62_135_596_800 },
            Extreme.Largest => new Timestamp { Seconds = 253_402_300_799, Nanos = 999_999_999 },
            _ => new Timestamp { Seconds = long.MaxValue, Nanos = -1 },
        },
        FieldType.Message when field.MessageType.ClrType == typeof(Duration) => extreme switch
        {
            Extreme.Smallest => new Duration { Seconds = -315_576_000_000 },
            Extreme.Largest => new Duration { Seconds = 315_576_000_000 },
            _ => new Duration { Seconds = 1, Nanos = -1 },
        },
        FieldType.Message when depth < 3 => Build(field.MessageType, extreme, only: null, depth + 1),
        _ => null,
    };
}
