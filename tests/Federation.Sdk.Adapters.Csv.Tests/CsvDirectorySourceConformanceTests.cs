using Federation.Sdk.Hosting;
using Federation.Sdk.Synthetic;
using Federation.Sdk.Testing;

namespace Federation.Sdk.Adapters.Csv.Tests;

/// <summary>The CSV directory source passes the SDK's directory conformance suite, reading a real export configured as node.json would.</summary>
public sealed class CsvDirectorySourceConformanceTests : DirectorySourceConformanceTests
{
    private readonly TempCsv _file = TempCsv.Empty();

    protected override Task ArrangeAsync(SyntheticDirectory directory, CancellationToken cancellationToken)
    {
        directory.WriteCsv(_file.Path);
        return Task.CompletedTask;
    }

    protected override void AddSource(INodeBuilder node, string name) =>
        node.AddCsvDirectorySource(name, CsvNodeBuilderExtensionsTests.Json($$"""{ "path": "{{_file.Path}}" }"""));

    public override Task DisposeAsync()
    {
        _file.Dispose();
        return Task.CompletedTask;
    }
}
