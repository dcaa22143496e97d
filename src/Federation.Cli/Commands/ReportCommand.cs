using System.CommandLine;
using Federation.Cli.Demo;
using Federation.Cli.Report;
using Federation.Sdk.Transparency;

namespace Federation.Cli.Commands;

/// <summary>
/// `fed report`: the National Rapporteur's annual report, in English and French, from the gateway's answers at one
/// transparency-log checkpoint: static pages with charts and tables, the data as CSV, and the provenance.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var gateway = CommonOptions.Gateway();
        var trustRoot = CommonOptions.TrustRoot();
        var credentials = CommonOptions.Credentials();
        var year = new Option<int>("--year") { Description = "The reference year the report is about, for example 2024.", Required = true };
        year.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1900 or > 2999)
            {
                result.AddError("--year must be a year between 1900 and 2999, for example 2024.");
            }
        });
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Folder to write the report to (created if missing): en/index.html, fr/index.html, data/*.csv, provenance/checkpoint.json.",
            Required = true,
        };
        var logKey = new Option<FileInfo?>("--log-key")
        {
            Description = "File with the transparency log's verifier key (<name>+<key id>+<key>) the checkpoint must be signed with. Default: the demo's, from --data.",
        };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for each answer of the gateway.", DefaultValueFactory = _ => 30 };
        var command = new Command(
            "report",
            "Write the National Rapporteur's annual report (English and French HTML pages with charts and tables, the data as CSV, provenance) " +
            "from a gateway's answers at its latest signed checkpoint.")
        {
            data, gateway, trustRoot, credentials, year, output, logKey, timeout,
        };
        command.SetAction(GuardedAction.Of(async (parse, cancellationToken) =>
        {
            var layout = new DemoLayout(parse.GetValue(data)!.FullName);
            var keyFile = parse.GetValue(logKey)?.FullName ?? layout.LogVerifierKey;
            if (!File.Exists(keyFile))
            {
                throw new CommandException($"No log verifier key at {keyFile}: pass --log-key FILE (the key the gateway's administrator publishes).");
            }

            var folder = parse.GetValue(output)!.FullName;
            if (File.Exists(folder))
            {
                throw new CommandException($"--out '{folder}' is a file: give a folder.");
            }

            using var key = LogVerifierKey.Load(keyFile);
            using var channel = GatewayConnection.Open(parse, data, gateway, trustRoot, credentials);
            var address = parse.GetValue(gateway) ?? layout.ReadEndpoint()!.Address;
            var collector = new ReportCollector(channel, key, TimeSpan.FromSeconds(parse.GetValue(timeout)));
            var report = await collector.CollectAsync(
                parse.GetValue(year),
                address,
                VerifyCommand(parse, data, gateway, trustRoot, credentials, logKey, Path.Combine(folder, ReportProvenance.CheckpointFile)),
                DateTimeOffset.UtcNow,
                cancellationToken);
            var files = ReportWriter.Write(report, folder);
            Console.WriteLine($"Wrote the {report.Year} report to {folder}: {files.Count} files, figures as of transparency log tree size {report.Provenance.TreeSize}.");
            foreach (var language in ReportLanguage.All)
            {
                Console.WriteLine($"  {Path.Combine(folder, ReportFiles.Page(language))}");
            }

            return 0;
        }));
        return command;
    }

    /// <summary>
    /// The command that checks the log still extends the report's checkpoint, with the connection options this report
    /// was made with. It works on a copy of the checkpoint file, since `fed log verify` advances the file it is given.
    /// </summary>
    private static string VerifyCommand(
        ParseResult parse,
        Option<DirectoryInfo> data,
        Option<Uri?> gateway,
        Option<FileInfo?> trustRoot,
        Option<FileInfo?> credentials,
        Option<FileInfo?> logKey,
        string checkpointFile)
    {
        var options = new List<string>();
        if (parse.GetResult(data) is { Implicit: false } || parse.GetValue(gateway) is null)
        {
            options.Add($"--data {Quote(parse.GetValue(data)!.FullName)}");
        }

        if (parse.GetValue(gateway) is { } address)
        {
            options.Add($"--gateway {address}");
        }

        foreach (var (name, file) in new[] { ("--trust-root", parse.GetValue(trustRoot)), ("--credentials", parse.GetValue(credentials)), ("--log-key", parse.GetValue(logKey)) })
        {
            if (file is not null)
            {
                options.Add($"{name} {Quote(file.FullName)}");
            }
        }

        return $"cp {Quote(checkpointFile)} report-checkpoint.json && fed log verify {string.Join(' ', options)} --state report-checkpoint.json";
    }

    private static string Quote(string path) => path.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '&' or ';') ? $"'{path.Replace("'", "'\\''", StringComparison.Ordinal)}'" : path;
}
