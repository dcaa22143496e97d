using System.Net;
using Federation.Gateway.Audit;
using Microsoft.AspNetCore;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;

namespace Federation.Gateway.Identity;

/// <summary>Delays a token request from a client that keeps failing to authenticate (see <see cref="AuthenticationThrottle"/>).</summary>
internal sealed class TokenRequestThrottle(AuthenticationThrottle throttle, TimeProvider timeProvider)
    : IOpenIddictServerHandler<OpenIddictServerEvents.ValidateTokenRequestContext>
{
    public async ValueTask HandleAsync(OpenIddictServerEvents.ValidateTokenRequestContext context)
    {
        // Per client and per remote address, so a caller cannot escape the throttle by changing the client id it claims.
        var byClient = throttle.DelayFor(TokenClient.KeyOf(context.Transaction));
        var byAddress = throttle.DelayFor(TokenClient.AddressOf(context.Transaction));
        var delay = byClient > byAddress ? byClient : byAddress;
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, timeProvider, context.CancellationToken);
        }
    }
}

/// <summary>After each token response: counts failures for the throttle and records refusals in the audit log.</summary>
internal sealed class TokenResponseRecorder(AuthenticationThrottle throttle, IAuditLog audit, TimeProvider timeProvider)
    : IOpenIddictServerHandler<OpenIddictServerEvents.ApplyTokenResponseContext>
{
    public async ValueTask HandleAsync(OpenIddictServerEvents.ApplyTokenResponseContext context)
    {
        var client = TokenClient.KeyOf(context.Transaction);
        if (string.IsNullOrEmpty(context.Response.Error))
        {
            throttle.RecordSuccess(client);
            return;
        }

        throttle.RecordFailure(client);
        var address = TokenClient.AddressOf(context.Transaction);
        if (address != client)
        {
            throttle.RecordFailure(address);
        }

        var request = context.Request;
        await audit.AppendAsync(
            new AuditRecord(
                timeProvider.GetUtcNow(),
                client,
                "POST /" + Sdk.Identity.FederationScopes.TokenEndpointPath,
                $"{{\"grant_type\":\"{request?.GrantType}\",\"scope\":\"{request?.Scope}\",\"client_assertion\":{(request?.ClientAssertion is null ? "false" : "true")}}}",
                context.Response.Error!,
                context.Response.ErrorDescription ?? string.Empty,
                Refused: true),
            CancellationToken.None);
    }
}

/// <summary>Who a token request claims to be, before it is authenticated: the client id, the assertion's issuer, or the address.</summary>
internal static class TokenClient
{
    public static string KeyOf(OpenIddictServerTransaction transaction)
    {
        var request = transaction.Request;
        if (!string.IsNullOrEmpty(request?.ClientId))
        {
            return request.ClientId;
        }

        if (!string.IsNullOrEmpty(request?.ClientAssertion))
        {
            try
            {
                // Not validated: only a name to count failures under.
                var issuer = new JsonWebToken(request.ClientAssertion).Issuer;
                if (!string.IsNullOrEmpty(issuer))
                {
                    return issuer;
                }
            }
            catch (ArgumentException)
            {
                // Not a JWT at all: fall back to the address.
            }
        }

        return AddressOf(transaction);
    }

    public const string AddressPrefix = "address:";

    /// <summary>The remote address a token request came from, as a throttle key.</summary>
    public static string AddressOf(OpenIddictServerTransaction transaction) =>
        AddressPrefix + (transaction.GetHttpRequest()?.HttpContext.Connection.RemoteIpAddress ?? IPAddress.None);
}
