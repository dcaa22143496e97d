namespace Federation.Sdk.Identity;

/// <summary>The OAuth 2.0 scopes of the federation's access tokens, and the audience they are issued for.</summary>
public static class FederationScopes
{
    /// <summary>Send signed releases (nodes).</summary>
    public const string Submit = "federation.submit";

    /// <summary>Read the catalogue and query aggregates (analysts).</summary>
    public const string Query = "federation.query";

    /// <summary>Register and revoke clients, read the audit log (administrators).</summary>
    public const string Admin = "federation.admin";

    /// <summary>
    /// Find services with their exact capacity and watch capacity change (referral desks). Analysts with
    /// <see cref="Query"/> only see capacity aggregated.
    /// </summary>
    public const string Referral = "federation.referral";

    /// <summary>
    /// Read one jurisdiction's own figures, coverage, directory and log entries (a province or territory reading what
    /// it published). The token also carries <see cref="JurisdictionClaim"/>; the gateway refuses any read of another
    /// jurisdiction or of national figures.
    /// </summary>
    public const string Province = "federation.province";

    /// <summary>The resource (audience) every access token names: the gateway.</summary>
    public const string GatewayAudience = "federation-gateway";

    /// <summary>The token endpoint path, relative to the issuer.</summary>
    public const string TokenEndpointPath = "connect/token";

    /// <summary>The claim that binds a node's or province client's token to its jurisdiction.</summary>
    public const string JurisdictionClaim = "jurisdiction";
}
