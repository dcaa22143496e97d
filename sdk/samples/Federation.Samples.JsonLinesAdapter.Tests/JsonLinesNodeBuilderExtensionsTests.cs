using System.Text;
using Federation.Sdk.Hosting;
using Federation.Sdk.Records;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Federation.Samples.JsonLinesAdapter.Tests;

/// <summary>The sample's options as a node's configuration gives them, and the rows it makes of what it cannot read.</summary>
public sealed class JsonLinesNodeBuilderExtensionsTests : IDisposable
{
    private const string Victim =
        """{"caseId":"NS-1","identificationDate":"02/03/2023","traffickingStatus":"ActualVictimOfTrafficking","person":{"name":"Jane Doe","birthDate":"17/05/2004","gender":"Feminine","citizenship":["CA","PH"]},"exploitationTypes":["SexualExploitation","ForcedLabour"],"caseNotes":"never read"}""";

    private readonly CaseExport _export = new();

    [Fact]
    public async Task Options_are_bound_from_a_configuration_section_and_a_relative_path_is_resolved_from_the_node_folder()
    {
        _export.WriteLines(Victim);
        var node = new NodeBuilder();
        node.Services.AddSingleton(new NodeFiles(Path.GetDirectoryName(_export.Path)!));
        node.AddJsonLinesCaseSource("intake", Json($$"""{ "path": "{{Path.GetFileName(_export.Path)}}", "dateFormat": "dd/MM/yyyy" }"""));

        using var sources = node.Build();
        var (name, source) = Assert.Single(sources.CaseSources);
        var row = Assert.Single(await ReadAllAsync(source));

        Assert.Equal("intake", name);
        Assert.Null(row.Error);
        Assert.Equal($"{Path.GetFileName(_export.Path)} line 1", row.Location);
        Assert.Equal(new CaseRecord
        {
            CaseId = "NS-1",
            PersonName = "Jane Doe",
            BirthDate = new DateOnly(2004, 5, 17),
            IdentificationDate = new DateOnly(2023, 3, 2),
            Gender = "Feminine",
            TypesOfExploitation = row.Record!.TypesOfExploitation,
            Citizenship = row.Record.Citizenship,
            TraffickingStatus = "ActualVictimOfTrafficking",
        }, row.Record);
        Assert.Equal(["SexualExploitation", "ForcedLabour"], row.Record.TypesOfExploitation);
        Assert.Equal(["CA", "PH"], row.Record.Citizenship);
    }

    [Fact]
    public async Task Lines_that_cannot_be_read_come_back_with_their_line_number_and_what_is_wrong()
    {
        _export.WriteLines(
            """{"caseId":"NS-1","identificationDate":"2023-03-02"}""",
            "",
            """{"caseId":"NS-2",""",
            """["NS-3"]""",
            """{"caseId":"NS-4","identificationDate":"2023-03-02","person":{"gender":7},"exploitationTypes":"ForcedLabour"}""",
            """{"caseId":"NS-5","identificationDate":"2023-02-30"}""");
        var node = new NodeBuilder();
        node.AddJsonLinesCaseSource("intake", options => options.Path = _export.Path);

        using var sources = node.Build();
        var rows = await ReadAllAsync(sources.CaseSources[0].Value);

        var file = Path.GetFileName(_export.Path);
        Assert.Equal([$"{file} line 1", $"{file} line 3", $"{file} line 4", $"{file} line 5", $"{file} line 6"], rows.Select(r => r.Location));
        Assert.Null(rows[0].Error);
        Assert.StartsWith("the line is not valid JSON (at character ", rows[1].Error, StringComparison.Ordinal);
        Assert.Equal("the line is a JSON Array, not an object", rows[2].Error);
        Assert.Equal("person.gender: must be text, not a JSON Number; exploitationTypes: must be an array of text values", rows[3].Error);
        Assert.Equal("identificationDate is not a date in yyyy-MM-dd form", rows[4].Error);
    }

    [Fact]
    public async Task A_birth_year_alone_is_read_as_an_unknown_birth_date_not_a_made_up_day()
    {
        _export.WriteLines("""{"caseId":"NS-1","identificationDate":"2023-03-02","person":{"birthDate":"2005"}}""");
        var node = new NodeBuilder();
        node.AddJsonLinesCaseSource("intake", options => options.Path = _export.Path);

        using var sources = node.Build();
        var row = Assert.Single(await ReadAllAsync(sources.CaseSources[0].Value));

        Assert.Null(row.Error);
        Assert.Null(row.Record!.BirthDate);
    }

    [Theory]
    [InlineData("""{ }""", "path: must be set.")]
    [InlineData("""{ "path": "FILE", "dateFormat": " " }""", "dateFormat: must be set (for example yyyy-MM-dd).")]
    [InlineData("""{ "path": "FILE", "dateFormat": "MM/yyyy" }""", "dateFormat: 'MM/yyyy' does not give a date's day, month and year; use a format such as yyyy-MM-dd or dd/MM/yyyy.")]
    [InlineData("""{ "path": "FILE", "datefmt": "dd/MM/yyyy" }""", "datefmt: is not an option here; the options are path, dateFormat.")]
    [InlineData("""{ "path": "FILE", "dateFormat": { "day": "dd" } }""", "dateFormat: must be a single value, not a section.")]
    public void Each_invalid_option_is_reported_at_start_up_beginning_with_its_key(string json, string expected)
    {
        _export.WriteLines(Victim);
        var node = new NodeBuilder();
        node.AddJsonLinesCaseSource("intake", Json(json.Replace("FILE", _export.Path, StringComparison.Ordinal)));

        var error = Assert.Throws<OptionsValidationException>(() => node.Build().Dispose());

        Assert.Equal("intake", error.OptionsName);
        Assert.Equal([expected], error.Failures);
    }

    [Fact]
    public void A_missing_export_is_reported_with_its_full_path()
    {
        var missing = _export.Path + ".missing";
        var node = new NodeBuilder();
        node.AddJsonLinesCaseSource("intake", options => options.Path = missing);

        var error = Assert.Throws<OptionsValidationException>(() => node.Build().Dispose());

        Assert.Equal([$"path: file '{missing}' does not exist."], error.Failures);
    }

    [Fact]
    public void The_configuration_method_is_the_jsonl_adapter_of_case_records()
    {
        var method = typeof(JsonLinesNodeBuilderExtensions).GetMethod(
            nameof(JsonLinesNodeBuilderExtensions.AddJsonLinesCaseSource), [typeof(INodeBuilder), typeof(string), typeof(IConfiguration)])!;

        var adapter = Assert.Single(method.GetCustomAttributes(typeof(NodeAdapterAttribute), false).Cast<NodeAdapterAttribute>());

        Assert.Equal(("jsonl", NodeSourceKind.CaseRecords), (adapter.Name, adapter.Kind));
        Assert.Equal([typeof(JsonLinesNodeBuilderExtensions)], typeof(JsonLinesNodeBuilderExtensions).Assembly.GetExportedTypes().Where(t => t.IsAbstract && t.IsSealed));
    }

    public void Dispose() => _export.Dispose();

    private static IConfiguration Json(string json) =>
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
}
