using System.CommandLine;
using Federation.Node;
using Grpc.Core;

namespace Federation.Cli.Commands;

/// <summary>
/// Wraps a command's action so user errors and gateway refusals print plainly instead of as stack traces:
/// a <see cref="CommandException"/>, an unusable configuration or file exits 2, a gateway refusal exits 1 with its status and fields.
/// </summary>
internal static class GuardedAction
{
    public static Func<ParseResult, CancellationToken, Task<int>> Of(Func<ParseResult, CancellationToken, Task<int>> action) =>
        async (parse, cancellationToken) =>
        {
            try
            {
                return await action(parse, cancellationToken);
            }
            catch (RpcException e)
            {
                return RpcErrorPrinter.Print(e, Console.Error);
            }
            catch (Exception e) when (e is CommandException or NodeConfigurationException or FormatException or IOException or InvalidDataException)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }
        };
}
