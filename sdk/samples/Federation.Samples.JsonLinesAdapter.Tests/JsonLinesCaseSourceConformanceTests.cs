using Federation.Sdk.Hosting;
using Federation.Sdk.Synthetic;
using Federation.Sdk.Testing;

namespace Federation.Samples.JsonLinesAdapter.Tests;

/// <summary>The sample adapter passes the SDK's conformance suite, reading a real JSON Lines file.</summary>
public sealed class JsonLinesCaseSourceConformanceTests : CaseSourceConformanceTests, IDisposable
{
    private readonly CaseExport _export = new();

    protected override Task ArrangeAsync(IReadOnlyList<SyntheticCase> cases, CancellationToken cancellationToken)
    {
        _export.Write(cases);
        return Task.CompletedTask;
    }

    protected override void AddSource(INodeBuilder node, string name) =>
        node.AddJsonLinesCaseSource(name, options => options.Path = _export.Path);

    protected override NodeSourceSettings NodeSettings => new(JsonLinesNodeBuilderExtensions.AdapterName, $$"""{ "path": "{{_export.Path}}" }""");

    public void Dispose() => _export.Dispose();
}
