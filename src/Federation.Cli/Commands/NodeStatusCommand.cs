using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Federation.Cli.Output;
using Federation.Node;
using Federation.Node.Hosting;
using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;
using Federation.Sdk.Publishing;
using Federation.Sdk.Trust;

namespace Federation.Cli.Commands;

/// <summary>
/// `fed node status`: for monitoring, what the node's last run did, what its outbox holds, when its certificate expires
/// and the privacy budget spent and left per year. Reads the state folder only; contacts nothing.
/// </summary>
internal static class NodeStatusCommand
{
    /// <summary>The exit code when no run is recorded in the state folder.</summary>
    public const int NeverRunExitCode = 1;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // printed for people and scripts, never into HTML
    };

    public static Command Create()
    {
        var configuration = new NodeConfigurationOptions();
        var format = new Option<OutputFormat>("--format") { Description = "table or json.", DefaultValueFactory = _ => OutputFormat.Table };
        format.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<OutputFormat>() == OutputFormat.Csv)
            {
                result.AddError("--format must be table or json for the status.");
            }
        });
        var command = new Command(
            "status",
            "Summarise the node for monitoring, from its state folder (contacts nothing): the last run (when, its exit code, what it sent, re-signed, "
            + "left refused or pending), the outbox, the signing certificate's expiry and the privacy budget spent and left per year. "
            + $"Exits with the last run's exit code (0: everything delivered; see fed node run --help), {NeverRunExitCode} when no run is recorded, 2 for an unusable setting.")
        {
            format,
        };
        configuration.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            NodeStatusDocument document;
            try
            {
                document = await NodeStatusDocument.ReadAsync(configuration.Load(parse), TimeProvider.System, cancellationToken);
            }
            catch (Exception e) when (e is CommandException or NodeConfigurationException or InvalidDataException)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }

            if (parse.GetValue(format) == OutputFormat.Json)
            {
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(document, s_json));
            }
            else
            {
                document.WriteTable(Console.Out);
            }

            return document.LastRun?.ExitCode ?? NeverRunExitCode;
        });
        return command;
    }
}

/// <summary>What `fed node status` shows, in one model for the table and the JSON form.</summary>
internal sealed record NodeStatusDocument(
    string NodeId,
    string Jurisdiction,
    string DatasetId,
    string StateDirectory,
    NodeRunRecord? LastRun,
    StatusOutbox Outbox,
    StatusCertificate Certificate,
    IReadOnlyList<StatusBudget> Budget)
{
    /// <summary>A certificate that expires within this many days is flagged for renewal.</summary>
    public const int RenewWithinDays = 30;

    public static async Task<NodeStatusDocument> ReadAsync(NodeConfiguration configuration, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var stateDirectory = NodeStateLayout.Of(configuration).Root;
        var outbox = await Federation.Sdk.Publishing.Outbox.OpenExistingAsync(stateDirectory, timeProvider, cancellationToken);
        var entries = outbox is null ? [] : await outbox.ListAsync(cancellationToken: cancellationToken);
        var pending = entries.Where(e => e.State == OutboxEntryState.Pending).ToArray();
        var certificatePath = configuration.Resolve(configuration.Signing.Certificate);
        if (!File.Exists(certificatePath))
        {
            throw new CommandException($"signing.certificate: file '{certificatePath}' does not exist.");
        }

        using var certificate = CertificateFiles.LoadCertificate(certificatePath);
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        var daysLeft = (int)Math.Floor((notAfter - timeProvider.GetUtcNow()).TotalDays);
        return new NodeStatusDocument(
            configuration.NodeId,
            configuration.Jurisdiction,
            configuration.DatasetId,
            stateDirectory,
            NodeRunRecord.Load(stateDirectory),
            new StatusOutbox(
                pending.Length,
                entries.Count(e => e.State == OutboxEntryState.Delivered),
                entries.Count(e => e.State == OutboxEntryState.Failed),
                pending.Length == 0 ? null : pending.Min(e => e.QueuedAt),
                entries.Count(e => e.State == OutboxEntryState.Failed && e.RefusedForData)),
            new StatusCertificate(certificatePath, certificate.Subject, notAfter, daysLeft, daysLeft < RenewWithinDays),
            Budgets(configuration));
    }

    private static StatusBudget[] Budgets(NodeConfiguration configuration)
    {
        var ledger = PrivacyLedger.Read(NodeStateLayout.Of(configuration).Privacy);
        return [.. configuration.StatisticsDatasets().SelectMany(node =>
        {
            var dataset = configuration.Catalog().Get(node.DatasetId);
            var policy = dataset.Protection;
            if (!policy.IsNoise)
            {
                return [];
            }

            var entries = ledger.Where(e => e.DatasetId == dataset.Id).ToArray();
            return entries.Select(e => e.ReferenceYear).Concat(node.ReferenceYears).Distinct().Order().Select(year =>
            {
                var spent = PrivacyLedger.SpentOf(entries, dataset.Id, year);
                return new StatusBudget(year, entries.Count(e => e.ReferenceYear == year), spent.ToString(), (policy.BudgetRho - spent).ToString(), policy.BudgetRho.ToString())
                {
                    DatasetId = dataset.Id,
                    Year = dataset.YearLabel(year),
                };
            });
        })];
    }

    public void WriteTable(TextWriter output)
    {
        output.WriteLine($"Node {NodeId} ({Jurisdiction}), dataset {DatasetId}, state folder {StateDirectory}");
        if (LastRun is not { } run)
        {
            output.WriteLine("Last run: none recorded (the node has not run since it recorded runs).");
        }
        else
        {
            output.WriteLine(
                $"Last run: {Time(run.StartedAt)} to {Time(run.FinishedAt)}, exit code {run.ExitCode} ({run.Outcome}): "
                + $"{run.SignedAndSent} release(s) signed and sent, {run.Resigned} re-signed and sent, {run.Resent} pending ones sent, "
                + $"{run.AlreadyDelivered} unchanged and delivered earlier, {run.DirectoryReleasesSent} directory release(s) sent; "
                + $"{run.RefusedByGateway} refused by the gateway, {run.LeftPending} left pending.");
            foreach (var problem in run.Problems)
            {
                output.WriteLine("  " + problem.Replace(Environment.NewLine, Environment.NewLine + "  ", StringComparison.Ordinal));
            }
        }

        output.WriteLine(
            $"Outbox: {Outbox.Pending} pending, {Outbox.Delivered} delivered, {Outbox.Failed} failed"
            + (Outbox.RefusedForData > 0 ? $" ({Outbox.RefusedForData} refused for its data: fix the source)" : string.Empty)
            + (Outbox.OldestPendingQueuedAt is { } oldest ? $"; oldest pending queued {Time(oldest)}" : string.Empty)
            + " (fed node outbox lists them).");
        output.WriteLine(
            $"Certificate: {Certificate.Subject}, expires {Time(Certificate.NotAfter)} ({Certificate.DaysLeft} day(s) left)"
            + (Certificate.RenewSoon ? $": RENEW IT NOW (less than {RenewWithinDays} days left; see Key rotation in docs/deploying-a-node.md)." : "."));
        if (Budget.Count == 0)
        {
            output.WriteLine("Privacy budget: the dataset spends none.");
            return;
        }

        var several = Budget.Select(b => b.DatasetId).Distinct().Count() > 1;
        var table = several
            ? new TextTable("dataset", "year", "releases", "spent rho", "remaining rho", "budget rho")
            : new TextTable("year", "releases", "spent rho", "remaining rho", "budget rho");
        foreach (var year in Budget)
        {
            string[] cells = [year.Year, year.Releases.ToString(CultureInfo.InvariantCulture), year.SpentRho, year.RemainingRho, year.BudgetRho];
            table.AddRow(several ? [year.DatasetId, .. cells] : cells);
        }

        table.Write(output);
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}

/// <param name="OldestPendingQueuedAt">When the oldest entry still pending was queued; null when none is.</param>
/// <summary>The outbox's entries by state; <see cref="RefusedForData"/> of the failed ones were refused for their data (not sent again).</summary>
internal sealed record StatusOutbox(int Pending, int Delivered, int Failed, DateTimeOffset? OldestPendingQueuedAt, int RefusedForData);

/// <param name="RenewSoon">Whether it expires within <see cref="NodeStatusDocument.RenewWithinDays"/> days (or has expired).</param>
internal sealed record StatusCertificate(string Path, string Subject, DateTimeOffset NotAfter, int DaysLeft, bool RenewSoon);

internal sealed record StatusBudget(int ReferenceYear, int Releases, string SpentRho, string RemainingRho, string BudgetRho)
{
    /// <summary>The dataset the budget is of.</summary>
    public string DatasetId { get; init; } = string.Empty;

    /// <summary>The reference year as the dataset writes it ("2023", or "2023/24" for a fiscal year).</summary>
    public string Year { get; init; } = ReferenceYear.ToString(CultureInfo.InvariantCulture);
}
