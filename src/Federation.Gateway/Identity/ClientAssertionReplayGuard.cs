using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Federation.Gateway.Identity;

/// <summary>
/// Refuses a client assertion whose jti was already used: OpenIddict checks an assertion's signature, audience and
/// lifetime, but not whether it was seen before. Each jti is remembered until its assertion expires. Runs after
/// signature validation, so forged assertions cannot use up a jti.
/// </summary>
internal sealed class ClientAssertionReplayGuard(FederationIdentityDbContext db, TimeProvider timeProvider)
    : IOpenIddictServerHandler<OpenIddictServerEvents.ProcessAuthenticationContext>
{
    // An assertion without an expiry would be remembered forever; the SDK's live two minutes.
    private static readonly TimeSpan s_longestRemembered = TimeSpan.FromHours(1);

    public async ValueTask HandleAsync(OpenIddictServerEvents.ProcessAuthenticationContext context)
    {
        var principal = context.ClientAssertionPrincipal!;
        var clientId = principal.GetClaim(Claims.Issuer) ?? context.ClientId ?? string.Empty;
        var jwtId = principal.GetClaim(Claims.JwtId);
        if (string.IsNullOrEmpty(jwtId))
        {
            context.Reject(Errors.InvalidClient, "The client assertion has no jti claim; every assertion needs a unique jti.");
            return;
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        var expires = principal.GetExpirationDate()?.UtcDateTime ?? now + s_longestRemembered;
        if (expires > now + s_longestRemembered)
        {
            expires = now + s_longestRemembered;
        }

        await db.UsedAssertions.Where(a => a.ExpiresAt < now).ExecuteDeleteAsync(context.CancellationToken);
        db.UsedAssertions.Add(new UsedClientAssertion { ClientId = clientId, JwtId = jwtId, ExpiresAt = expires });
        try
        {
            await db.SaveChangesAsync(context.CancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            context.Reject(Errors.InvalidClient,
                $"The client assertion {jwtId} of '{clientId}' was already used; make a new assertion (new jti) for every token request.");
        }
    }
}
