using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Federation.EndToEnd.Tests;

/// <summary>
/// A minimal OpenTelemetry collector for tests: an OTLP/HTTP (http/protobuf) receiver on loopback that keeps every
/// export it is sent. OTLP is protobuf, so names and string values can be looked for as UTF-8 bytes.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<(string Signal, byte[] Body)> _received = new();
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app) => _app = app;

    /// <summary>The address to give an exporter, for example http://127.0.0.1:40123.</summary>
    public string Endpoint => _app.Urls.Single();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (string signal, HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            receiver._received.Enqueue((signal, body.ToArray()));
            context.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Whether an export of <paramref name="signal"/> (traces, metrics) received so far contains <paramref name="text"/>.</summary>
    public bool Received(string signal, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return _received.Any(r => r.Signal == signal && r.Body.AsSpan().IndexOf(bytes) >= 0);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
