using Federation.Node;

namespace Federation.EndToEnd.Tests;

/// <summary>
/// One development federation whose Ontario node has sent its releases (victims dataset), shared by the tests of a
/// class that only read from it (queries, catalogue, reflection, refusals): started once per class, not once per test.
/// </summary>
public sealed class OntarioReportedFixture : IAsyncLifetime
{
    private DemoFederationFixture? _federation;

    internal DemoFederationFixture Federation => _federation ?? throw new InvalidOperationException("The fixture is not started.");

    public async Task InitializeAsync()
    {
        _federation = await DemoFederationFixture.StartAsync();
        await new NodeRunner(NodeConfiguration.Load(_federation.Layout.NodeConfiguration("ON")), TimeProvider.System).RunAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_federation is not null)
        {
            await _federation.DisposeAsync();
        }
    }
}
