using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using Federation.Contracts.V1;
using Federation.Sdk.Identity;
using Federation.Sdk.Trust;
using Grpc.Core;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Federation.Gateway.Identity;

/// <summary>
/// What a province client (scope federation.province, its token bound to one jurisdiction) may read: its own
/// jurisdiction's figures, coverage, directory and transparency-log entries; never another jurisdiction's, and never a
/// national figure. Each read method that a province client may call starts with one of these checks; for any other
/// caller they do nothing. What a province sees beyond that is what every client sees: the catalogue, the log's
/// checkpoints and proofs, and the signed served state (hashes, leaf indexes and digests, no figure).
/// </summary>
internal static class ProvinceScope
{
    /// <summary>The jurisdiction the caller's reads are held to, or null when the caller is not a province client.</summary>
    public static string? JurisdictionOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.HasScope(FederationScopes.Province))
        {
            return null;
        }

        return user.GetClaim(FederationScopes.JurisdictionClaim) ?? throw new RequestRefusedException(RefusalKind.PermissionDenied,
            $"The token of '{user.GetClaim(Claims.Subject)}' carries scope {FederationScopes.Province} but names no jurisdiction; get a new token from the federation's token server.",
            "authorization");
    }

    /// <summary>
    /// Refuses (PERMISSION_DENIED, naming <paramref name="field"/>) a province client's request unless it asks for
    /// exactly its own jurisdiction. An empty list means every jurisdiction, so national figures: refused, never
    /// narrowed silently (a national row computed from one province would read as a national figure).
    /// </summary>
    public static void RequireOwnJurisdiction(ServerCallContext context, IReadOnlyCollection<string> requested, string field = "jurisdictions")
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requested);
        var own = JurisdictionOf(context.GetHttpContext().User);
        if (own is null || (requested.Count == 1 && string.Equals(requested.First(), own, StringComparison.Ordinal)))
        {
            return;
        }

        var asked = requested.Count == 0
            ? "it is empty, which asks for every jurisdiction and the national figures"
            : $"it asks for {string.Join(", ", requested)}";
        throw new RequestRefusedException(RefusalKind.PermissionDenied,
            $"A province client of {own} reads only {own}'s figures: {field} must be [\"{own}\"]; {asked}.", field);
    }

    /// <summary>
    /// Refuses (PERMISSION_DENIED, naming <paramref name="field"/>) a province client's read of log entries when any of
    /// them is another jurisdiction's release (the jurisdiction its signing certificate binds). A province reads its
    /// own entries by their leaf index, which its node's receipts give.
    /// </summary>
    public static void RequireOwnEntries(ServerCallContext context, IEnumerable<(long LeafIndex, byte[] Leaf)> entries, string field = "start")
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(entries);
        var own = JurisdictionOf(context.GetHttpContext().User);
        if (own is null)
        {
            return;
        }

        foreach (var (leafIndex, leaf) in entries)
        {
            var signer = SignerJurisdiction(leaf);
            if (!string.Equals(signer, own, StringComparison.Ordinal))
            {
                throw new RequestRefusedException(RefusalKind.PermissionDenied,
                    $"Log entry {leafIndex} is a release of {signer ?? "no single jurisdiction"}: a province client of {own} reads only {own}'s entries "
                    + "(ask for the leaf indexes of its node's receipts, one range of them at a time).", field);
            }
        }
    }

    private static string? SignerJurisdiction(byte[] leaf)
    {
        try
        {
            var envelope = SignedEnvelope.Parser.ParseFrom(leaf);
            var cms = new SignedCms();
            cms.Decode(envelope.Signature.Span);
            return cms.SignerInfos.Count == 1 && cms.SignerInfos[0].Certificate is { } signer ? FederationIdentity.GetJurisdiction(signer) : null;
        }
        catch (Exception e) when (e is CryptographicException or Google.Protobuf.InvalidProtocolBufferException)
        {
            return null;
        }
    }
}
