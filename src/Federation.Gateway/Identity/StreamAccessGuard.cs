using System.Security.Claims;
using Federation.Gateway.Limits;
using Grpc.Core;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Federation.Gateway.Identity;

/// <summary>
/// Ends a long-lived stream when its caller's access ends: when the access token expires, or when the client is
/// revoked (checked in the registry every <see cref="RequestLimits.WatchAccessCheckSeconds"/>, so it holds across replicas).
/// </summary>
internal sealed class StreamAccessGuard(IServiceScopeFactory scopes, TimeProvider timeProvider, IOptions<RequestLimits> limits)
{
    /// <summary>
    /// Waits until the access of <paramref name="user"/> ends, then cancels <paramref name="stream"/> and returns the
    /// status to end the stream with; returns null when the stream was cancelled for another reason first.
    /// </summary>
    public async Task<RpcException?> WatchAsync(ClaimsPrincipal user, CancellationTokenSource stream)
    {
        var clientId = user.GetClaim(Claims.Subject) ?? "anonymous";
        var expires = user.GetExpirationDate();
        var interval = TimeSpan.FromSeconds(limits.Value.WatchAccessCheckSeconds);
        try
        {
            while (true)
            {
                var now = timeProvider.GetUtcNow();
                if (expires is { } expiry && expiry <= now)
                {
                    await stream.CancelAsync();
                    return new RpcException(new Status(StatusCode.Unauthenticated,
                        $"The access token of '{clientId}' expired at {expiry.UtcDateTime:u}: the watch ends with it. Reconnect with a new token."));
                }

                var wait = expires is { } until && until - now < interval ? until - now : interval;
                await Task.Delay(wait, timeProvider, stream.Token);
                await using var scope = scopes.CreateAsyncScope();
                var inactive = await scope.ServiceProvider.GetRequiredService<ClientRegistry>().DescribeInactiveAsync(clientId, stream.Token);
                if (inactive is not null)
                {
                    await stream.CancelAsync();
                    return new RpcException(new Status(StatusCode.PermissionDenied, inactive + " The watch ends."));
                }
            }
        }
        catch (OperationCanceledException) when (stream.IsCancellationRequested)
        {
            return null;
        }
    }
}
