using System.Security.Cryptography.X509Certificates;
using Federation.Sdk.Client;
using Federation.Sdk.Identity;
using Federation.Sdk.Trust;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Federation.Node;

/// <summary>
/// The node's authenticated connection to its gateway: TLS trusting only the federation root, and access tokens
/// obtained with the node's own key (private_key_jwt). Disposing it releases the key, the tokens and the channel.
/// </summary>
public sealed class NodeGatewayConnection : IDisposable
{
    private static readonly TimeSpan s_checkDeadline = TimeSpan.FromSeconds(30);

    private readonly GatewayTokenProvider _tokens;
    private readonly TimeProvider _timeProvider;

    private NodeGatewayConnection(FederationTrust trust, X509Certificate2 signer, GatewayTokenProvider tokens, GrpcChannel channel, Uri address, TimeProvider timeProvider)
    {
        Trust = trust;
        Address = address;
        _timeProvider = timeProvider;
        Signer = signer;
        _tokens = tokens;
        Channel = channel;
    }

    public FederationTrust Trust { get; }

    /// <summary>The node's signing certificate with its private key.</summary>
    public X509Certificate2 Signer { get; }

    public GrpcChannel Channel { get; }

    /// <summary>
    /// Opens the connection of a run once the node's identity is checked: its certificate (<see cref="NodeIdentity"/>,
    /// a <see cref="NodeConfigurationException"/>) and the gateway's acceptance of its key and health
    /// (<see cref="CheckAsync"/>), before the run reads, signs or charges anything.
    /// </summary>
    public static async Task<NodeGatewayConnection> OpenCheckedAsync(NodeConfiguration configuration, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        NodeIdentity.ThrowIfUnusable(configuration, timeProvider.GetUtcNow());
        var connection = Open(configuration, timeProvider);
        try
        {
            await connection.CheckAsync(cancellationToken);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <see cref="CheckAsync"/> as an answer rather than an exception, for <c>fed node validate</c>: <see cref="GatewayAccess.Refusal"/>
    /// is set when the token server refused the node's key (the node cannot send until the administrator acts);
    /// <see cref="GatewayAccess.Reached"/> is false when the gateway could not be asked.
    /// </summary>
    public async Task<GatewayAccess> CheckAccessAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CheckAsync(cancellationToken);
            return new GatewayAccess(Reached: true, Refusal: null, $"the token server {_tokens.TokenEndpoint} accepts the node's key (an access token was issued) and the gateway is serving");
        }
        catch (GatewayUnreachableException e)
        {
            return new GatewayAccess(Reached: false, Refusal: null, $"not checked: {e.Message}");
        }
        catch (NodeIdentityRefusedException e)
        {
            return new GatewayAccess(Reached: true, e.Message, e.Message);
        }
    }

    /// <summary>The gateway's address.</summary>
    public Uri Address { get; }

    /// <summary>Drops the cached access token: the next call gets a new one from the token server.</summary>
    public void RenewAccessToken() => _tokens.Invalidate();

    /// <summary>
    /// Contacts the gateway before a run prepares anything: the token server must issue this node a token, and the
    /// gateway's health service must answer SERVING. Throws <see cref="GatewayUnreachableException"/> when either cannot be reached or the
    /// gateway is not serving (a later run may succeed), and <see cref="NodeIdentityRefusedException"/> when the token
    /// server refuses the node (revoked, unknown, expired: no later run can succeed until an administrator acts).
    /// </summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _tokens.GetAccessTokenAsync(cancellationToken);
        }
        catch (GatewayAuthenticationException e) when (e.IsTransient)
        {
            throw new GatewayUnreachableException(e.Message, e);
        }
        catch (GatewayAuthenticationException e)
        {
            throw new NodeIdentityRefusedException(_tokens.ClientId, e);
        }

        HealthCheckResponse health;
        try
        {
            health = await new Health.HealthClient(Channel).CheckAsync(
                new HealthCheckRequest(),
                deadline: _timeProvider.GetUtcNow().UtcDateTime.Add(s_checkDeadline),
                cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
        {
            throw new GatewayUnreachableException($"The gateway {Address} cannot be reached: {e.Status.Detail} ({e.StatusCode}).", e);
        }

        if (health.Status != HealthCheckResponse.Types.ServingStatus.Serving)
        {
            throw new GatewayUnreachableException($"The gateway {Address} answers, but is not serving (health: {health.Status}).");
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
        return new NodeGatewayConnection(trust, signer, tokens, GatewayChannel.Create(address, trust, tokens: tokens), address, timeProvider);
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

/// <summary>The gateway or its token server cannot be reached, or is not serving: nothing was sent; a later run may succeed.</summary>
public sealed class GatewayUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The token server refuses this node's identity (its certificate revoked or expired, its client unknown or revoked):
/// no run can succeed until an administrator acts, so nothing is retried. The message says what to do.
/// </summary>
public sealed class NodeIdentityRefusedException(string clientId, GatewayAuthenticationException refusal)
    : Exception(Explain(clientId, refusal), refusal)
{
    private static string Explain(string clientId, GatewayAuthenticationException refusal)
    {
        var reason = refusal.Message;
        var advice = reason.Contains("revoked", StringComparison.OrdinalIgnoreCase)
            ? $"This node's certificate or client '{clientId}' was revoked: ask the federation administrator for a new certificate "
              + "(fed node enrol makes a new key and request; the administrator issues and registers it), then point signing.certificate "
              + "and signing.privateKey at the new files. A revoked node id cannot be enrolled again: a replacement node needs a new id."
            : reason.Contains("expired", StringComparison.OrdinalIgnoreCase)
                ? "This node's certificate has expired: enrol a new key (fed node enrol) and ask the federation administrator to issue "
                  + "and register its certificate, then point signing.certificate and signing.privateKey at the new files."
                : reason.Contains("not registered", StringComparison.OrdinalIgnoreCase)
                    ? $"The gateway does not know client '{clientId}': ask the federation administrator to register this node's certificate "
                      + "(fed admin register-node), and check nodeId (or gateway.clientId) in node.json."
                    : $"The gateway does not accept this node's key for client '{clientId}': check that signing.certificate is the certificate "
                      + "the administrator registered for this node and signing.privateKey its key (fed admin clients lists the registered ones).";
        return $"{reason}{Environment.NewLine}{advice} Until then every run stops before preparing anything, so no privacy budget is spent.";
    }
}
