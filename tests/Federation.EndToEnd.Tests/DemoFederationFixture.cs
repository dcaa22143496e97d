using Federation.Cli.Demo;
using Federation.Gateway.Hosting;
using Federation.Node;
using Federation.Sdk.Catalog;
using Federation.Sdk.Identity;
using Federation.Sdk.Trust;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.EndToEnd.Tests;

/// <summary>A development federation in a temp folder with its gateway running on loopback over TLS.</summary>
internal sealed class DemoFederationFixture : IAsyncDisposable
{
    private DemoFederationFixture(DemoLayout layout, DevelopmentFederation federation, WebApplication gateway)
    {
        Layout = layout;
        Federation = federation;
        Gateway = gateway;
        Analyst = new GatewayTokenProvider(
            gateway.GetListeningAddress(), ClientSecretFile.Load(layout.AnalystCredentials).ToCredentials(), FederationTrust.FromPemFile(layout.RootCertificate));
        Referral = new GatewayTokenProvider(
            gateway.GetListeningAddress(), ClientSecretFile.Load(layout.ReferralCredentials).ToCredentials(), FederationTrust.FromPemFile(layout.RootCertificate));
    }

    /// <summary>Tokens of the demo analyst (scope federation.query), for clients the tests make themselves.</summary>
    public GatewayTokenProvider Analyst { get; }

    /// <summary>Tokens of the demo referral desk (scope federation.referral: exact capacity of each service).</summary>
    public GatewayTokenProvider Referral { get; }

    public DemoLayout Layout { get; }

    public DevelopmentFederation Federation { get; }

    public WebApplication Gateway { get; }

    public Uri Address => Gateway.GetListeningAddress();

    /// <summary>A federation whose gateway runs <paramref name="interceptor"/> on every gRPC call (a test's hold or outage).</summary>
    public static Task<DemoFederationFixture> StartAsync<TInterceptor>(TInterceptor interceptor)
        where TInterceptor : Interceptor =>
        StartAsync(builder =>
        {
            builder.Services.AddSingleton(interceptor);
            builder.Services.AddGrpc(options => options.Interceptors.Add<TInterceptor>());
        });

    public static async Task<DemoFederationFixture> StartAsync(Action<WebApplicationBuilder>? configureGateway = null)
    {
        var layout = new DemoLayout(Path.Combine(Path.GetTempPath(), "federation-e2e", Guid.NewGuid().ToString("N")));
        var federation = new DevelopmentFederation(layout, TimeProvider.System);
        federation.EnsureCreated();
        var gateway = DemoRunner.CreateGateway(layout, port: 0, configureGateway);
        await gateway.StartAsync();
        layout.WriteEndpoint(gateway.GetListeningAddress());
        await federation.EnrolAsync(gateway.Services, CancellationToken.None);
        federation.ConfigureNodes(gateway.GetListeningAddress());
        foreach (var jurisdiction in Jurisdiction.All)
        {
            // The demo's nodes also release court cases; these tests follow the victims dataset alone, as a node.json
            // written before nodes had several datasets does (the court dataset is tested in the demo and DatasetAsDataTests).
            var configuration = NodeConfiguration.Load(layout.NodeConfiguration(jurisdiction));
            configuration.Datasets = null;
            configuration.Save(layout.NodeConfiguration(jurisdiction));
        }

        return new DemoFederationFixture(layout, federation, gateway);
    }

    public async ValueTask DisposeAsync()
    {
        Analyst.Dispose();
        Referral.Dispose();
        await Gateway.StopAsync();
        await Gateway.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Layout.Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans the temp folder.
        }
    }
}
