using System.Net;
using Federation.Sdk.Trust;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Federation.Gateway.Hosting;

/// <summary>How the federation's hosts listen: TLS with a certificate from the federation CA, the protocol chosen by ALPN.</summary>
internal static class FederationListener
{
    /// <summary>
    /// Listens on <paramref name="address"/>:<paramref name="port"/> over TLS: gRPC gets HTTP/2, plain OAuth clients
    /// of the token endpoint HTTP/1.1.
    /// </summary>
    public static void ListenWithTls(KestrelServerOptions kestrel, string address, int port, string certificatePath, string privateKeyPath) =>
        kestrel.Listen(IPAddress.Parse(address), port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            using var certificate = CertificateFiles.LoadWithPrivateKey(certificatePath, privateKeyPath);
            listen.UseHttps(CertificateFiles.ForTlsServer(certificate));
        });

    /// <summary>The address a started host listens on, for example https://127.0.0.1:7443.</summary>
    public static Uri ListeningAddress(IServiceProvider services)
    {
        var addresses = services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses;
        var address = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("The host is not listening yet.");
        return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }
}
