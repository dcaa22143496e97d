using System.CommandLine;
using Federation.Node;
using Federation.Node.Adapters;
using Grpc.Core;

namespace Federation.Cli.Commands;

/// <summary>
/// Wraps a command's action so user errors and gateway refusals print plainly instead of as stack traces:
/// a <see cref="CommandException"/>, an unusable configuration or file, or a source whose adapter failed while reading
/// exits 2, a gateway refusal exits 1 with its status and fields.
/// </summary>
internal static class GuardedAction
{
    /// <summary>Guards <paramref name="action"/>; with <paramref name="verbose"/> set, an adapter's failure also prints its exception in full.</summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Of(Func<ParseResult, CancellationToken, Task<int>> action, Option<bool>? verbose = null) =>
        async (parse, cancellationToken) =>
        {
            try
            {
                return await action(parse, cancellationToken);
            }
            catch (SourceReadException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                await Console.Error.WriteLineAsync(verbose is not null && parse.GetValue(verbose)
                    ? e.InnerException!.ToString()
                    : "Run again with --verbose for the adapter's stack trace.");
                return 2;
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
