using Federation.Sdk.Hosting;
using Federation.Sdk.Synthetic;
using Federation.Sdk.Testing;

namespace Federation.Sdk.Adapters.Hsds.Tests;

/// <summary>
/// The HSDS source passes the SDK's directory conformance suite, reading a folder of HSDS 3.1 list responses
/// written by <see cref="SyntheticHsds"/> (services with their organizations and locations nested).
/// </summary>
public sealed class HsdsDirectorySourceConformanceTests : DirectorySourceConformanceTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hsds-conformance-").FullName;

    protected override Task ArrangeAsync(SyntheticDirectory directory, CancellationToken cancellationToken)
    {
        SyntheticHsds.Write(_folder, directory, servicesPerFile: 10);
        return Task.CompletedTask;
    }

    protected override void AddSource(INodeBuilder node, string name) =>
        node.AddHsdsDirectorySource(name, options => options.Path = _folder);

    public override Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}
