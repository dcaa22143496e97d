using System.Diagnostics;

namespace Federation.EndToEnd.Tests;

/// <summary>Runs a program to completion with a time limit and captures its output.</summary>
internal static class ExternalProcess
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        string? workingDirectory = null)
    {
        using var process = Start(fileName, arguments, workingDirectory);
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.Exited.WaitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            var (output, _) = await process.KillAsync();
            throw new TimeoutException($"{process.CommandLine} did not finish in {timeout}. Output so far: {output}");
        }

        return (process.ExitCode, await process.Output, await process.Error);
    }

    /// <summary>Starts a program, capturing its output, and returns while it runs.</summary>
    public static RunningProcess Start(string fileName, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return new RunningProcess(Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}."), $"{fileName} {string.Join(' ', start.ArgumentList)}");
    }

    /// <summary>Starts the `fed` program built next to the tests and returns while it runs.</summary>
    public static RunningProcess StartFed(params string[] arguments) => Start("dotnet", FedCommandLine(arguments));

    /// <summary>Runs the `fed` program built next to the tests.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunFedAsync(TimeSpan timeout, params string[] arguments) =>
        RunAsync("dotnet", FedCommandLine(arguments), timeout);

    private static string[] FedCommandLine(string[] arguments) => [Path.Combine(AppContext.BaseDirectory, "fed.dll"), .. arguments];

    /// <summary>The repository root (the folder holding Federation.sln).</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Federation.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Federation.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A started program whose standard output and error are being read to the end.</summary>
internal sealed class RunningProcess : IDisposable
{
    private readonly Process _process;

    public RunningProcess(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
        Output = process.StandardOutput.ReadToEndAsync();
        Error = process.StandardError.ReadToEndAsync();
        Exited = process.WaitForExitAsync();
    }

    public string CommandLine { get; }

    /// <summary>Everything the program wrote to standard output, once it has exited.</summary>
    public Task<string> Output { get; }

    /// <summary>Everything the program wrote to standard error, once it has exited.</summary>
    public Task<string> Error { get; }

    /// <summary>Completes when the program has exited.</summary>
    public Task Exited { get; }

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Ends the program and everything it started at once (SIGKILL on Unix: no shutdown code runs), waits for it to be
    /// gone and returns what it wrote.
    /// </summary>
    public async Task<(string Output, string Error)> KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await Exited;
        return (await Output, await Error);
    }

    public void Dispose() => _process.Dispose();
}
