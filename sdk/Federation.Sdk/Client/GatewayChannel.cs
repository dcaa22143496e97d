using System.Net.Security;
using Federation.Sdk.Identity;
using Federation.Sdk.Trust;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;

namespace Federation.Sdk.Client;

/// <summary>Opens gRPC channels to a gateway that trust only the federation root, never the OS store.</summary>
public static class GatewayChannel
{
    /// <summary>Largest response a client accepts; query answers for many years and jurisdictions stay well below it.</summary>
    public const int MaxReceiveMessageBytes = 16 * 1024 * 1024;

    /// <summary>
    /// A channel to <paramref name="address"/>. For https the server certificate must chain to the federation root in
    /// <paramref name="trust"/>; plain http is only for local development. Submit and SubmitDirectory are retried on
    /// Unavailable (both are idempotent: the gateway returns the first receipt for a submission it already holds).
    /// </summary>
    /// <remarks>
    /// With <paramref name="tokens"/> every call carries an access token (Authorization: Bearer) the provider fetches and
    /// refreshes; a token the server refuses to issue surfaces as status Unauthenticated (Unavailable when it cannot be reached).
    /// </remarks>
    public static GrpcChannel Create(Uri address, FederationTrust? trust, GatewayRetryPolicy? retry = null, GatewayTokenProvider? tokens = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        var handler = CreateHttpHandler(address, trust);
        retry ??= GatewayRetryPolicy.Default;
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = MaxReceiveMessageBytes,
            Credentials = tokens is null ? null : ChannelCredentials.Create(
                address.Scheme == Uri.UriSchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure,
                BearerCredentials(tokens)),
            UnsafeUseInsecureChannelCallCredentials = tokens is not null && address.Scheme == Uri.UriSchemeHttp,
            ServiceConfig = new ServiceConfig
            {
                MethodConfigs =
                {
                    new MethodConfig
                    {
                        Names =
                        {
                            new MethodName { Service = "federation.v1.SubmissionService", Method = "Submit" },
                            new MethodName { Service = "federation.v1.DirectoryService", Method = "SubmitDirectory" },
                        },
                        RetryPolicy = new RetryPolicy
                        {
                            MaxAttempts = retry.MaxAttempts,
                            InitialBackoff = retry.InitialBackoff,
                            MaxBackoff = retry.MaxBackoff,
                            BackoffMultiplier = 2,
                            RetryableStatusCodes = { StatusCode.Unavailable },
                        },
                    },
                },
            },
        });
    }

    /// <summary>Call credentials that add the provider's current access token to every call.</summary>
    public static CallCredentials BearerCredentials(GatewayTokenProvider tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return CallCredentials.FromInterceptor(async (context, metadata) =>
        {
            string token;
            try
            {
                token = await tokens.GetAccessTokenAsync(context.CancellationToken);
            }
            catch (GatewayAuthenticationException e)
            {
                throw new RpcException(new Status(e.IsTransient ? StatusCode.Unavailable : StatusCode.Unauthenticated, e.Message));
            }

            metadata.Add("Authorization", "Bearer " + token);
        });
    }

    /// <summary>The HTTP handler of gateway channels and token requests: https trusts only the federation root.</summary>
    internal static SocketsHttpHandler CreateHttpHandler(Uri address, FederationTrust? trust)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (address.Scheme == Uri.UriSchemeHttps)
        {
            if (trust is null)
            {
                throw new ArgumentException("An https gateway address needs the federation trust root.", nameof(trust));
            }

            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) => trust.ValidateServerCertificate(certificate, chain, errors),
            };
        }
        else if (address.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"Gateway address '{address}' must use https (or http for local development).", nameof(address));
        }

        return handler;
    }
}

/// <summary>How often and how patiently a node retries an upload the gateway could not take (status Unavailable).</summary>
public sealed record GatewayRetryPolicy(int MaxAttempts, TimeSpan InitialBackoff, TimeSpan MaxBackoff)
{
    /// <summary>Five attempts, backing off from half a second to five seconds (with jitter, as gRPC retries do).</summary>
    public static GatewayRetryPolicy Default { get; } = new(5, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(5));
}
