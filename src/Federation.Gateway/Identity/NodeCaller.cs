using System.Security.Claims;
using Federation.Sdk.Identity;
using Federation.Sdk.Signing;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Federation.Gateway.Identity;

/// <summary>
/// The node calling Submit, as its access token says, and the check that ties it to what it sent: the token's
/// jurisdiction is the signing certificate's, and the certificate is one of the caller's own, not revoked.
/// </summary>
internal sealed record NodeCaller(string ClientId, string? Jurisdiction)
{
    public static NodeCaller From(ClaimsPrincipal user) =>
        new(user.GetClaim(Claims.Subject) ?? "anonymous", user.GetClaim(FederationScopes.JurisdictionClaim));

    public async Task AuthorizeAsync(SignatureVerification verification, ClientRegistry registry, CancellationToken cancellationToken)
    {
        if (Jurisdiction is null)
        {
            throw new RequestRefusedException(RefusalKind.PermissionDenied,
                $"The token of '{ClientId}' names no jurisdiction: only node tokens can submit.", "envelope");
        }

        if (!string.Equals(Jurisdiction, verification.Jurisdiction, StringComparison.Ordinal))
        {
            throw new RequestRefusedException(RefusalKind.PermissionDenied,
                $"The envelope is signed by a node certificate of '{verification.Jurisdiction}' but the caller's token is for '{Jurisdiction}'. A node may only submit its own jurisdiction's data.",
                "envelope.signature");
        }

        var problem = await registry.DescribeSignerProblemAsync(ClientId, verification.SignerCertificate!, cancellationToken);
        if (problem is not null)
        {
            throw new RequestRefusedException(RefusalKind.PermissionDenied, problem, "envelope.signature");
        }
    }
}
