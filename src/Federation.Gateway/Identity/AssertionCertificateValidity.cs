using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Federation.Gateway.Identity;

/// <summary>
/// Refuses a client assertion signed with the key of a node certificate that has expired or is not yet valid: the
/// registry keeps a node's keys until they are revoked, but an expired certificate must no longer get tokens.
/// Runs after signature validation (the key id is then the certificate's, as registered).
/// </summary>
internal sealed class AssertionCertificateValidity(FederationIdentityDbContext db, TimeProvider timeProvider)
    : IOpenIddictServerHandler<OpenIddictServerEvents.ProcessAuthenticationContext>
{
    public async ValueTask HandleAsync(OpenIddictServerEvents.ProcessAuthenticationContext context)
    {
        if (string.IsNullOrEmpty(context.ClientAssertion))
        {
            return;
        }

        var keyId = new JsonWebToken(context.ClientAssertion).Kid;
        var certificate = string.IsNullOrEmpty(keyId)
            ? null
            : await db.Certificates.AsNoTracking().FirstOrDefaultAsync(c => c.Thumbprint == keyId, context.CancellationToken);
        if (certificate is null)
        {
            return; // a secret client, or a key OpenIddict already refused
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        if (certificate.NotAfter < now)
        {
            context.Reject(Errors.InvalidClient,
                $"The certificate {certificate.Thumbprint} ({certificate.Subject}) the assertion is signed with expired at {certificate.NotAfter:u}: renew it and register the new one.");
        }
        else if (certificate.NotBefore > now)
        {
            context.Reject(Errors.InvalidClient,
                $"The certificate {certificate.Thumbprint} ({certificate.Subject}) the assertion is signed with is not valid before {certificate.NotBefore:u}.");
        }
    }
}

/// <summary>
/// Refuses, saying so, a client assertion whose key id names a revoked node certificate. A revoked certificate's key is
/// no longer the client's, so signature validation would refuse it anyway, but only as an invalid assertion; this
/// runs before it, so the node is told its certificate was revoked (certificates and their revocation are not secret).
/// </summary>
internal sealed class AssertionCertificateRevocation(FederationIdentityDbContext db)
    : IOpenIddictServerHandler<OpenIddictServerEvents.ProcessAuthenticationContext>
{
    public async ValueTask HandleAsync(OpenIddictServerEvents.ProcessAuthenticationContext context)
    {
        if (string.IsNullOrEmpty(context.ClientAssertion))
        {
            return;
        }

        string keyId;
        try
        {
            keyId = new JsonWebToken(context.ClientAssertion).Kid;
        }
        catch (ArgumentException)
        {
            return; // not a JWT: OpenIddict refuses it
        }

        var certificate = string.IsNullOrEmpty(keyId)
            ? null
            : await db.Certificates.AsNoTracking().FirstOrDefaultAsync(c => c.Thumbprint == keyId, context.CancellationToken);
        if (certificate?.RevokedAt is { } revokedAt)
        {
            context.Reject(Errors.InvalidClient,
                $"The certificate {certificate.Thumbprint} ({certificate.Subject}) the assertion is signed with was revoked at "
                + $"{DateTime.SpecifyKind(revokedAt, DateTimeKind.Utc):u} ({certificate.RevocationReason}); it gets no token.");
        }
    }
}
