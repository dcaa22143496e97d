using Federation.Sdk.Hosting;
using Federation.Sdk.Synthetic;
using Federation.Sdk.Testing;

namespace Federation.Sdk.Adapters.Csv.Tests;

/// <summary>The CSV case source passes the SDK's adapter conformance suite, reading a real file.</summary>
public sealed class CsvCaseSourceConformanceTests : CaseSourceConformanceTests
{
    private readonly TempCsv _file = TempCsv.Empty();

    protected override Task ArrangeAsync(IReadOnlyList<SyntheticCase> cases, CancellationToken cancellationToken)
    {
        SyntheticCaseData.WriteCsv(_file.Path, cases);
        return Task.CompletedTask;
    }

    protected override void AddSource(INodeBuilder node, string name) =>
        node.AddCsvCaseSource(name, CsvNodeBuilderExtensionsTests.Json($$"""{ "path": "{{_file.Path}}" }"""));

    protected override NodeSourceSettings NodeSettings => new("csv", System.Text.Json.JsonSerializer.Serialize(new { path = _file.Path }));

    public override Task DisposeAsync()
    {
        _file.Dispose();
        return Task.CompletedTask;
    }
}
