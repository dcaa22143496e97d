using Federation.Contracts.V1;
using Federation.Gateway.Hosting;
using Federation.Sdk.Client;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Federation.Gateway.Tests;

/// <summary>A real gateway on 127.0.0.1 (Kestrel, TLS, HTTP/2) with a fresh SQLite store, and clients for it.</summary>
internal sealed class GatewayFixture : IAsyncDisposable
{
    private GatewayFixture(TestFederation federation, WebApplication app, GrpcChannel channel)
    {
        Federation = federation;
        App = app;
        Channel = channel;
        Submissions = new SubmissionService.SubmissionServiceClient(channel);
        Queries = new QueryService.QueryServiceClient(channel);
        Catalog = new CatalogService.CatalogServiceClient(channel);
    }

    public TestFederation Federation { get; }

    public WebApplication App { get; }

    public GrpcChannel Channel { get; }

    public Uri Address => App.GetListeningAddress();

    public SubmissionService.SubmissionServiceClient Submissions { get; }

    public QueryService.QueryServiceClient Queries { get; }

    public CatalogService.CatalogServiceClient Catalog { get; }

    public static async Task<GatewayFixture> StartAsync(Action<GatewayOptions>? configure = null, Action<WebApplicationBuilder>? configureBuilder = null)
    {
        var federation = new TestFederation();
        var app = GatewayApplication.Create(
            [],
            options =>
            {
                options.DataDirectory = federation.Directory;
                options.TrustRootPath = federation.RootPem;
                options.TlsCertificatePath = federation.GatewayCertificatePem;
                options.TlsPrivateKeyPath = federation.GatewayKeyPem;
                options.LogSigningKeyPath = federation.LogKeyPem;
                options.LogOrigin = TestFederation.LogOrigin;
                options.Port = 0;
                configure?.Invoke(options);
            },
            builder =>
            {
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
                configureBuilder?.Invoke(builder);
            });
        await app.StartAsync();
        var channel = GatewayChannel.Create(app.GetListeningAddress(), federation.Trust);
        return new GatewayFixture(federation, app, channel);
    }

    public async Task<Receipt> SubmitAsync(SignedEnvelope envelope) =>
        (await Submissions.SubmitAsync(new SubmitRequest { Envelope = envelope }, deadline: DateTime.UtcNow.AddSeconds(30))).Receipt;

    public async Task<QueryResponse> QueryAsync(QueryRequest request) =>
        await Queries.QueryAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Federation.Dispose();
    }
}
