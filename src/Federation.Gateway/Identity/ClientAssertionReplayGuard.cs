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
    // The longest an assertion may live (and so be remembered); the SDK's live two minutes.
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

        // A jti is remembered until its assertion expires, so an assertion must expire, and soon: one that lived longer
        // than it is remembered could be replayed once forgotten.
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var expires = principal.GetExpirationDate()?.UtcDateTime;
        if (expires is null || expires > now + s_longestRemembered)
        {
            context.Reject(Errors.InvalidClient,
                $"The client assertion {jwtId} of '{clientId}' {(expires is null ? "has no expiry" : $"expires at {expires:u}")}: an assertion must expire within {s_longestRemembered.TotalMinutes:0} minutes (the SDK's live two).");
            return;
        }

        await db.UsedAssertions.Where(a => a.ExpiresAt < now).ExecuteDeleteAsync(context.CancellationToken);
        db.UsedAssertions.Add(new UsedClientAssertion { ClientId = clientId, JwtId = jwtId, ExpiresAt = expires.Value });
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
