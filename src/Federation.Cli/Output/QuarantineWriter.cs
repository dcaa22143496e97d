using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Federation.Sdk.Validation;

namespace Federation.Cli.Output;

/// <summary>A record a node would hold back, and which of the node's sources it came from (its configured name, or "directory").</summary>
internal sealed record QuarantinedItem(string Source, QuarantinedRecord Record);

/// <summary>
/// Prints quarantined records: a summary grouped by reason (values such as dates, ids and quoted text left out, so the
/// same kind of problem groups together) and every record with its location and reason; as a table, CSV or JSON.
/// </summary>
internal static partial class QuarantineWriter
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // printed for people and scripts, never into HTML
    };

    /// <summary>Each kind of problem and how many records have it; a record with several problems counts under each.</summary>
    public static IReadOnlyList<(string Source, string Reason, int Records)> GroupByReason(IEnumerable<QuarantinedItem> items) =>
        items
            .SelectMany(i => i.Record.Reason.Split("; ", StringSplitOptions.RemoveEmptyEntries).Select(ReasonKind).Distinct().Select(reason => (i.Source, Reason: reason)))
            .GroupBy(g => g)
            .Select(g => (g.Key.Source, g.Key.Reason, g.Count()))
            .OrderBy(g => g.Source, StringComparer.Ordinal)
            .ThenByDescending(g => g.Item3)
            .ThenBy(g => g.Reason, StringComparer.Ordinal)
            .ToArray();

    /// <summary>A problem with its particular values replaced by "…": "IdentificationDate … is in the future (today is …)".</summary>
    public static string ReasonKind(string problem) => Numbers().Replace(Quoted().Replace(problem.Trim(), "'…'"), "…");

    public static void WriteTable(IReadOnlyList<QuarantinedItem> items, TextWriter writer)
    {
        writer.WriteLine("Quarantined, by reason:");
        var groups = new TextTable("source", "records", "reason");
        foreach (var (source, reason, records) in GroupByReason(items))
        {
            groups.AddRow(source, records.ToString(CultureInfo.InvariantCulture), reason);
        }

        groups.Write(writer);
        writer.WriteLine();
        writer.WriteLine("Every quarantined record:");
        var list = new TextTable("source", "location", "id", "reason");
        foreach (var item in items)
        {
            list.AddRow(item.Source, item.Record.Location, item.Record.CaseId ?? string.Empty, item.Record.Reason);
        }

        list.Write(writer);
    }

    public static void WriteCsv(IReadOnlyList<QuarantinedItem> items, TextWriter writer)
    {
        writer.WriteLine("source,location,id,reason");
        foreach (var item in items)
        {
            writer.WriteLine(string.Join(',', new[] { item.Source, item.Record.Location, item.Record.CaseId ?? string.Empty, item.Record.Reason }.Select(DirectoryResultWriter.Escape)));
        }
    }

    /// <summary>The JSON form: <paramref name="summary"/>'s properties, then byReason and quarantined.</summary>
    public static void WriteJson(object summary, IReadOnlyList<QuarantinedItem> items, TextWriter writer)
    {
        var document = JsonSerializer.SerializeToNode(summary, s_json)!.AsObject();
        document["byReason"] = JsonSerializer.SerializeToNode(GroupByReason(items).Select(g => new { source = g.Source, reason = g.Reason, records = g.Records }), s_json);
        document["quarantined"] = JsonSerializer.SerializeToNode(
            items.Select(i => new { source = i.Source, location = i.Record.Location, id = i.Record.CaseId, reason = i.Record.Reason }), s_json);
        writer.WriteLine(document.ToJsonString(s_json));
    }

    [GeneratedRegex("'[^']*'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\d+([-:./T]\d+)*Z?")]
    private static partial Regex Numbers();
}
