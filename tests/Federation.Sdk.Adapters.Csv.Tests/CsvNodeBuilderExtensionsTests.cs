using System.Text;
using Federation.Sdk.Hosting;
using Federation.Sdk.Records;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Federation.Sdk.Adapters.Csv.Tests;

public sealed class CsvNodeBuilderExtensionsTests
{
    private const string Victim = "NS-1,Jane Doe,2004-05-17,2023-03-02,Feminine,SexualExploitation,NotIndigenous,CA,Citizen,IntimatePartner,ActualVictimOfTrafficking";

    internal static IConfiguration Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    private static async Task<List<SourceRow>> ReadAllAsync(ICaseRecordSource source)
    {
        var rows = new List<SourceRow>();
        await foreach (var row in source.ReadAsync())
        {
            rows.Add(row);
        }

        return rows;
    }

    private static string[] Failures(Action<INodeBuilder> add)
    {
        var node = new NodeBuilder();
        add(node);
        return Assert.Throws<OptionsValidationException>(() => node.Build().Dispose()).Failures.ToArray();
    }

    [Fact]
    public async Task Case_source_options_are_bound_from_a_configuration_section()
    {
        using var file = TempCsv.With(TempCsv.Header.Replace(',', '\t').Replace("case_id", "CaseNumber", StringComparison.Ordinal) + "\n"
            + Victim.Replace(',', '\t').Replace("SexualExploitation", "SexualExploitation|ForcedLabour", StringComparison.Ordinal) + "\n");
        var node = new NodeBuilder();
        node.AddCsvCaseSource("cases", Json($$"""{ "path": "{{file.Path}}", "delimiter": "\t", "listSeparator": "|", "columns": { "caseId": "CaseNumber" } }"""));

        using var sources = node.Build();
        var (name, source) = Assert.Single(sources.CaseSources);
        var row = Assert.Single(await ReadAllAsync(source));

        Assert.Equal("cases", name);
        Assert.Null(row.Error);
        Assert.Equal("NS-1", row.Record!.CaseId);
        Assert.Equal(["SexualExploitation", "ForcedLabour"], row.Record.TypesOfExploitation);
    }

    [Fact]
    public async Task Case_source_configured_in_code_reads_its_file()
    {
        using var file = TempCsv.With($"{TempCsv.Header}\n{Victim}\n");
        var node = new NodeBuilder();
        node.AddCsvCaseSource("cases", options => options.Path = file.Path);

        using var sources = node.Build();

        Assert.Equal("NS-1", Assert.Single(await ReadAllAsync(sources.CaseSources[0].Value)).Record!.CaseId);
    }

    [Fact]
    public async Task A_relative_path_is_resolved_from_the_node_files_folder()
    {
        using var file = TempCsv.With($"{TempCsv.Header}\n{Victim}\n");
        var node = new NodeBuilder();
        node.Services.AddSingleton(new NodeFiles(Path.GetDirectoryName(file.Path)!));
        node.AddCsvCaseSource("cases", Json($$"""{ "path": "{{Path.GetFileName(file.Path)}}" }"""));

        using var sources = node.Build();

        Assert.Single(await ReadAllAsync(sources.CaseSources[0].Value));
    }

    [Fact]
    public void A_misspelled_option_key_is_refused_with_the_key_and_the_options_there_are()
    {
        using var file = TempCsv.With($"{TempCsv.Header}\n");

        var failures = Failures(node => node.AddCsvCaseSource("cases", Json($$"""{ "path": "{{file.Path}}", "delimter": ";", "columns": { "caseNumber": "id" } }""")));

        Assert.Contains("delimter: is not an option here; the options are path, delimiter, listSeparator, columns.", failures);
        Assert.Contains(failures, f => f.StartsWith("columns.caseNumber: is not an option here; the options are columns.caseId, columns.personName,", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ }""", "path: must be set.")]
    [InlineData("""{ "path": "FILE", "delimiter": "\"" }""", "delimiter: cannot be a quote or a line break.")]
    [InlineData("""{ "path": "FILE", "delimiter": "\n" }""", "delimiter: cannot be a quote or a line break.")]
    [InlineData("""{ "path": "FILE", "delimiter": "" }""", "delimiter: must be one character.")]
    [InlineData("""{ "path": "FILE", "delimiter": "ab" }""", "delimiter: 'ab' is not one character.")]
    [InlineData("""{ "path": "FILE", "delimiter": ";" }""", "listSeparator: must differ from the delimiter and cannot be a quote or a line break.")]
    [InlineData("""{ "path": "FILE", "listSeparator": "" }""", "listSeparator: must be one character.")]
    [InlineData("""{ "path": "FILE", "columns": { "caseId": " " } }""", "columns.caseId: must name a column.")]
    [InlineData("""{ "path": "FILE", "columns": "id" }""", "columns: must be a section, not a single value.")]
    public void Each_invalid_case_option_is_reported_with_its_key(string json, string expected)
    {
        using var file = TempCsv.With($"{TempCsv.Header}\n");

        var failures = Failures(node => node.AddCsvCaseSource("cases", Json(json.Replace("FILE", file.Path, StringComparison.Ordinal))));

        Assert.Equal([expected], failures);
    }

    [Fact]
    public void A_missing_file_is_reported_with_its_full_path()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.csv");

        var failures = Failures(node => node.AddCsvCaseSource("cases", options => options.Path = missing));

        Assert.Equal([$"path: file '{missing}' does not exist."], failures);
    }

    [Fact]
    public void Options_of_two_sources_are_validated_by_their_own_names()
    {
        using var file = TempCsv.With($"{TempCsv.Header}\n");
        var node = new NodeBuilder();
        node.AddCsvCaseSource("good", options => options.Path = file.Path);
        node.AddCsvCaseSource("bad", options => options.Path = file.Path + ".missing");

        var error = Assert.Throws<OptionsValidationException>(() => node.Build().Dispose());

        Assert.Equal("bad", error.OptionsName);
    }

    [Fact]
    public async Task Directory_source_options_are_bound_from_a_configuration_section()
    {
        using var file = TempCsv.With(string.Join(';', CsvDirectorySource.RequiredColumns) + "\nS1;O1;Org;Counselling;counselling;L1;virtual;Halifax\n");
        var node = new NodeBuilder();
        node.AddCsvDirectorySource("services", Json($$"""{ "path": "{{file.Path}}", "delimiter": ";" }"""));

        using var sources = node.Build();
        var content = await sources.DirectorySources[0].Value.ReadAsync();

        Assert.Equal("S1", Assert.Single(content.Services).Id);
    }

    [Theory]
    [InlineData("""{ "delimiter": "," }""", "path: must be set.")]
    [InlineData("""{ "path": "FILE", "delimiter": "\r" }""", "delimiter: cannot be a quote or a line break.")]
    [InlineData("""{ "path": "FILE", "listSeparator": ";" }""", "listSeparator: is not an option here; the options are path, delimiter.")]
    public void Each_invalid_directory_option_is_reported_with_its_key(string json, string expected)
    {
        using var file = TempCsv.With("service_id\n");

        var failures = Failures(node => node.AddCsvDirectorySource("services", Json(json.Replace("FILE", file.Path, StringComparison.Ordinal))));

        Assert.Equal([expected], failures);
    }

    [Fact]
    public void The_configuration_methods_are_marked_as_csv_adapters()
    {
        var adapters = typeof(CsvNodeBuilderExtensions).GetMethods()
            .Select(m => (Method: m, Adapter: m.GetCustomAttributes(typeof(NodeAdapterAttribute), false).Cast<NodeAdapterAttribute>().SingleOrDefault()))
            .Where(m => m.Adapter is not null)
            .ToDictionary(m => m.Adapter!.Kind, m => (m.Adapter!.Name, m.Method.Name, Parameter: m.Method.GetParameters()[2].ParameterType));

        Assert.Equal(("csv", nameof(CsvNodeBuilderExtensions.AddCsvCaseSource), typeof(IConfiguration)), adapters[NodeSourceKind.CaseRecords]);
        Assert.Equal(("csv", nameof(CsvNodeBuilderExtensions.AddCsvDirectorySource), typeof(IConfiguration)), adapters[NodeSourceKind.ServiceDirectory]);
    }
}
