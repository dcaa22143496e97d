using Federation.Sdk.Validation;

namespace Federation.Node.Tests;

public sealed class QuarantineReportTests
{
    [Fact]
    public void No_cell_can_start_a_spreadsheet_formula()
    {
        using var folder = new NodeFolder();
        var path = QuarantineReport.Write(folder.PathOf("quarantine.csv"), [
            new QuarantinedRecord("cases.csv line 2", "=HYPERLINK(\"http://evil\",\"x\")", "+1 is not a date") { Source = "=intake" },
            new QuarantinedRecord("@SUM(A1)", "-2", "\tcmd|' /C calc'!A0"),
        ]);

        var lines = File.ReadAllLines(path);

        Assert.Equal("'=intake,cases.csv line 2,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",'+1 is not a date", lines[1]);
        Assert.Equal(",'@SUM(A1),'-2,'\tcmd|' /C calc'!A0", lines[2]);
    }

    [Fact]
    public void The_report_is_readable_by_its_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes; Windows files inherit the folder's ACL
        }

        using var folder = new NodeFolder();
        File.WriteAllText(folder.PathOf("quarantine.csv"), "old");
        File.SetUnixFileMode(folder.PathOf("quarantine.csv"), (UnixFileMode)0b110_100_100);

        var path = QuarantineReport.Write(folder.PathOf("quarantine.csv"), [new QuarantinedRecord("cases.csv line 2", "c1", "bad date")]);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }
}
