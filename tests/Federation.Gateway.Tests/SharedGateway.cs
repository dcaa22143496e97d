namespace Federation.Gateway.Tests;

/// <summary>
/// One gateway (<see cref="GatewayFixture"/>, default settings, no data) started once for a test class whose tests only
/// read from it or are refused by it: use it as <c>IClassFixture&lt;SharedGateway&gt;</c>. A test that submits, changes a
/// setting or restarts the gateway starts its own.
/// </summary>
public sealed class SharedGateway : IAsyncLifetime
{
    private GatewayFixture? _gateway;

    internal GatewayFixture Gateway => _gateway ?? throw new InvalidOperationException("The gateway is not started.");

    public async Task InitializeAsync() => _gateway = await GatewayFixture.StartAsync();

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }
}
