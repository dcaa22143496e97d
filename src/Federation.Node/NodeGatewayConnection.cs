using System.Security.Cryptography.X509Certificates;
using Federation.Sdk.Client;
using Federation.Sdk.Identity;
using Federation.Sdk.Trust;
using Grpc.Net.Client;

namespace Federation.Node;

/// <summary>
/// The node's authenticated connection to its gateway: TLS trusting only the federation root, and access tokens
/// obtained with the node's own key (private_key_jwt). Disposing it releases the key, the tokens and the channel.
/// </summary>
public sealed class NodeGatewayConnection : IDisposable
{
    private readonly GatewayTokenProvider _tokens;

    private NodeGatewayConnection(FederationTrust trust, X509Certificate2 signer, GatewayTokenProvider tokens, GrpcChannel channel)
    {
        Trust = trust;
        Signer = signer;
        _tokens = tokens;
        Channel = channel;
    }

    public FederationTrust Trust { get; }

    /// <summary>The node's signing certificate with its private key.</summary>
    public X509Certificate2 Signer { get; }

    public GrpcChannel Channel { get; }

    public static NodeGatewayConnection Open(NodeConfiguration configuration, TimeProvider timeProvider)
    {
        var trust = FederationTrust.FromPemFile(configuration.Resolve(configuration.Gateway.TrustRoot));
        var signer = CertificateFiles.LoadWithPrivateKey(
            configuration.Resolve(configuration.Signing.Certificate),
            configuration.Resolve(configuration.Signing.PrivateKey));
        var address = new Uri(configuration.Gateway.Address);
        var tokens = new GatewayTokenProvider(
            configuration.Gateway.TokenIssuer is { } issuer ? new Uri(issuer) : address,
            GatewayCredentials.ForNode(configuration.Gateway.ClientId ?? configuration.NodeId, signer),
            trust,
            timeProvider);
        return new NodeGatewayConnection(trust, signer, tokens, GatewayChannel.Create(address, trust, tokens: tokens));
    }

    public void Dispose()
    {
        Channel.Dispose();
        _tokens.Dispose();
        Signer.Dispose();
    }
}
