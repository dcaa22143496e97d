using System.Globalization;
using System.Text.Json;

namespace Federation.Cli.Output;

/// <summary>Prints a node preview as text (budget table, then every table's cells per year) or JSON.</summary>
internal static class NodePreviewWriter
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // printed for people and scripts, never into HTML
    };

    public static void WriteJson(NodePreviewDocument document, TextWriter writer) => writer.WriteLine(JsonSerializer.Serialize(document, s_json));

    /// <summary>One dataset's preview as one object (the form of a single-dataset node), several as an array of them.</summary>
    public static void WriteJson(IReadOnlyList<NodePreviewDocument> documents, TextWriter writer)
    {
        if (documents.Count == 1)
        {
            WriteJson(documents[0], writer);
        }
        else
        {
            writer.WriteLine(JsonSerializer.Serialize(documents, s_json));
        }
    }

    public static void WriteTable(NodePreviewDocument document, string configurationPath, TextWriter writer)
    {
        writer.WriteLine($"Preview of node {document.NodeId} ({document.Jurisdiction}), dataset {document.DatasetId}: what a run would send to {document.Gateway}");
        writer.WriteLine("Nothing was sent and no privacy budget was spent.");
        writer.WriteLine($"Protection: {document.Protection.Description}.");
        writer.WriteLine($"Records (one per {document.Unit}) from: {string.Join("; ", document.Sources)}.");
        var records = document.Records;
        writer.WriteLine(
            $"Records: {records.Read} read: {records.Accepted} accepted, {records.OutOfScope} out of scope, {records.Quarantined} quarantined"
            + (records.Quarantined > 0 ? $" (list them: fed node validate --config {configurationPath})." : "."));
        writer.WriteLine();
        WriteBudget(document, writer);
        if (document.Refused)
        {
            writer.WriteLine();
            writer.WriteLine("A run would REFUSE the years below and send nothing for them (the other years are sent): " + document.Refusal);
        }
        else
        {
            foreach (var release in document.Releases)
            {
                writer.WriteLine();
                WriteRelease(release, writer);
            }
        }

        if (document.ServiceDirectory is { } directory)
        {
            writer.WriteLine();
            writer.WriteLine(directory.WouldBeSent
                ? "Service directory: a run would send this snapshot (it differs from the last one the gateway accepted):"
                : "Service directory: unchanged since the last snapshot the gateway accepted; a run would not send it again:");
            writer.WriteLine(
                $"  {directory.Organizations} organizations, {directory.Services} services, {directory.Locations} locations "
                + $"({directory.RedactedLocations} residential or confidential locations redacted to their area: no address, no coordinates), "
                + $"{directory.ServiceAtLocations} service-at-location links; {directory.HeldBack} items held back (fed node validate lists them).");
        }
    }

    private static void WriteBudget(NodePreviewDocument document, TextWriter writer)
    {
        var withBudget = document.Releases.Where(r => r.Budget is not null).ToArray();
        if (withBudget.Length == 0)
        {
            writer.WriteLine("Privacy budget: none is spent; random rounding gives the same values for the same data on every run.");
            return;
        }

        writer.WriteLine($"Privacy budget (zCDP rho) per reference year: {document.Protection.BudgetRho}; a new release costs {document.Protection.ReleaseRho}.");
        var table = new TextTable("year", "release", "edition", "spent", "this release", "remaining after", "refused");
        foreach (var release in withBudget)
        {
            var budget = release.Budget!;
            table.AddRow(
                release.ReferencePeriod,
                release.Status switch
                {
                    NodePreviewDocument.RefusedEarlier => "refused earlier, will be re-signed",
                    NodePreviewDocument.RefusedForData => "refused for its data: fix the source",
                    var status => status.Replace('-', ' '),
                },
                release.Edition?.ToString(CultureInfo.InvariantCulture) ?? "-",
                budget.SpentRho,
                budget.CostRho,
                budget.RemainingRho,
                budget.Refused ? "yes" : "no");
        }

        table.Write(writer);
        if (withBudget.Any(r => r.Status == "unchanged"))
        {
            writer.WriteLine("An unchanged year is re-sent as the same release (same values, same submission) and spends nothing.");
        }

        if (withBudget.Any(r => r.Status == NodePreviewDocument.RefusedEarlier))
        {
            writer.WriteLine("A year refused earlier was refused by the gateway when last sent (see fed node outbox): the next run signs the same");
            writer.WriteLine("release again with the node's current key and sends it, spending nothing.");
        }

        if (withBudget.Any(r => r.Status == NodePreviewDocument.RefusedForData))
        {
            writer.WriteLine("A year refused for its data was refused by the gateway for what the release says (see fed node outbox for the reason):");
            writer.WriteLine("the same release is not sent again. Fix the source; the changed release is signed and sent by the next run.");
        }

        if (withBudget.Any(r => r.Status == "not-due"))
        {
            writer.WriteLine("A year not due is released at its first edition on the dataset's publication calendar, not before, whatever the data.");
        }

        if (withBudget.Any(r => r.Status == "held-until-next-edition"))
        {
            writer.WriteLine("A held year's data changed after this edition was released: the release is re-sent as it was until the next scheduled edition.");
        }

        writer.WriteLine("Noise is a keyed function of the node key, year, edition and counts: a run sends exactly the values previewed here, and");
        writer.WriteLine("previewing again or deleting files cannot change them.");
    }

    private static void WriteRelease(PreviewRelease release, TextWriter writer)
    {
        var id = release.SubmissionId is null ? string.Empty : $", submission {release.SubmissionId}";
        writer.WriteLine($"== {release.ReferencePeriod} {release.Jurisdiction} {release.DatasetId} ({release.Status.Replace('-', ' ')}{id})");
        foreach (var table in release.Tables)
        {
            var cost = table.Rho is null ? string.Empty : $", rho {table.Rho}";
            var variance = table.Mechanism == "random-rounding" ? $"error variance at most {table.Variance}" : $"variance {table.Variance}";
            writer.WriteLine($"{table.TableId} {table.Title} ({table.Mechanism.Replace('-', ' ')}, {variance}{cost})");
            var text = new TextTable([.. table.Dimensions, "value"]);
            foreach (var cell in table.Cells)
            {
                text.AddRow([.. cell.Codes, cell.Value.ToString(CultureInfo.InvariantCulture)]);
            }

            text.Write(writer);
        }
    }
}
