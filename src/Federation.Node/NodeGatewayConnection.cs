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

    /// <summary>
    /// Opens the connection of a run once the node's identity is checked: its certificate (<see cref="NodeIdentity"/>)
    /// and, when the token server can be reached, the gateway's acceptance of its key. Throws
    /// <see cref="NodeConfigurationException"/> when either refuses, before the run reads, signs or charges anything;
    /// an unreachable gateway is left to the uploads, whose releases wait in the outbox.
    /// </summary>
    public static async Task<NodeGatewayConnection> OpenCheckedAsync(NodeConfiguration configuration, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        NodeIdentity.ThrowIfUnusable(configuration, timeProvider.GetUtcNow());
        var connection = Open(configuration, timeProvider);
        try
        {
            var access = await connection.CheckAccessAsync(cancellationToken);
            if (access.Refusal is { } refusal)
            {
                throw new NodeConfigurationException(refusal);
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Asks the token server for an access token with the node's key: the answer says whether the gateway still accepts
    /// this node and certificate (an <c>invalid_client</c> refusal: revoked, or never registered). The token is kept
    /// for the calls that follow.
    /// </summary>
    public async Task<GatewayAccess> CheckAccessAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _tokens.GetAccessTokenAsync(cancellationToken);
            return new GatewayAccess(Reached: true, Refusal: null, $"the token server {_tokens.TokenEndpoint} accepts the node's key (an access token was issued)");
        }
        catch (GatewayAuthenticationException e) when (e.IsTransient)
        {
            return new GatewayAccess(Reached: false, Refusal: null, $"not checked: {e.Message}");
        }
        catch (GatewayAuthenticationException e)
        {
            var what = e.Error == "invalid_client"
                ? $"The gateway does not accept this node's key: {e.Message.TrimEnd('.')}. Its certificate (thumbprint {GatewayCredentials.KeyIdOf(Signer)}) or the node "
                    + $"'{_tokens.ClientId}' has been revoked, or was never registered. Ask the federation administrator: `fed admin clients` shows the node and its "
                    + "certificates; a revoked certificate is replaced by a new key (`fed node enrol`, then `fed admin issue-certificate` and `fed admin register-node`), "
                    + "an unregistered one is registered with `fed admin register-node`."
                : $"The token server refuses this node: {e.Message.TrimEnd('.')}. Give this message to the federation administrator.";
            return new GatewayAccess(Reached: true, what + " Nothing was signed or charged to the privacy budget.", what);
        }
    }

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

/// <summary>
/// What the token server said about the node's key: <see cref="Refusal"/> is set when it refused it (the node cannot
/// send until the administrator acts); <see cref="Reached"/> is false when it could not be asked.
/// </summary>
public sealed record GatewayAccess(bool Reached, string? Refusal, string Description);
