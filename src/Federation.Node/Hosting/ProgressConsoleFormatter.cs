using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Federation.Node.Hosting;

/// <summary>
/// Console lines for people watching a node run: the local time, a level word only for warnings and errors, the
/// message, and an exception's detail when one is logged. Under systemd the journal's formatter is used instead.
/// </summary>
internal sealed class ProgressConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "federation-progress";

    public override void Write<TState>(in LogEntry<TState> logEntry, Microsoft.Extensions.Logging.IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        textWriter.Write(DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm:ss ", CultureInfo.InvariantCulture));
        textWriter.Write(logEntry.LogLevel switch
        {
            LogLevel.Warning => "WARNING ",
            LogLevel.Error => "ERROR ",
            LogLevel.Critical => "CRITICAL ",
            _ => string.Empty,
        });
        textWriter.WriteLine(message);
        if (logEntry.Exception is { } exception)
        {
            textWriter.WriteLine(exception.ToString());
        }
    }
}
