using Federation.Sdk.Hosting;
using Federation.Sdk.Validation;

namespace Federation.Node;

/// <summary>
/// Writes the quarantined records of a run (source, location, case id, reason) as CSV for the province to correct:
/// owner-only (locations and case ids identify records locally), and no cell can start a spreadsheet formula.
/// </summary>
public static class QuarantineReport
{
    public static string Write(string path, IReadOnlyList<QuarantinedRecord> quarantined)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var writer = new StreamWriter(OwnerOnlyFile.Create(path));
        writer.WriteLine("source,location,case_id,reason");
        foreach (var record in quarantined)
        {
            writer.WriteLine($"{Quote(record.Source ?? string.Empty)},{Quote(record.Location)},{Quote(record.CaseId ?? string.Empty)},{Quote(record.Reason)}");
        }

        return path;
    }

    private static string Quote(string value)
    {
        // A cell starting with = + - @ (or a tab or carriage return before one) is a formula to a spreadsheet (CSV injection).
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
