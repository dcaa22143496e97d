using Federation.Sdk.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Federation.Gateway.Identity;

/// <summary>The gateway's authorization policies: one per scope, and a fallback that needs any valid token of an active client.</summary>
public static class AccessPolicies
{
    public const string Submit = "federation.submit";
    public const string Query = "federation.query";
    public const string Admin = "federation.admin";
    public const string Referral = "federation.referral";
    public const string Province = "federation.province";

    /// <summary>
    /// The catalogue, queries and coverage: analysts, or province clients held to their own jurisdiction
    /// (<see cref="ProvinceScope"/>, called at the top of each method).
    /// </summary>
    public const string StatisticsReader = "federation.query or federation.province";

    /// <summary>
    /// Directory searches and capacity summaries: analysts (capacity aggregated), referral desks (exact), province
    /// clients (aggregated, their own jurisdiction only).
    /// </summary>
    public const string DirectoryReader = "federation.query or federation.referral or federation.province";

    /// <summary>
    /// Authentication by access token (OpenIddict validation, remembered until the token expires: <see
    /// cref="ValidatedTokenAuthentication"/>; the host says whose tokens), the policies, the check that
    /// the client is registered here and not revoked, and gRPC statuses for refusals.
    /// </summary>
    internal static IServiceCollection AddFederationAccessControl(this IServiceCollection services)
    {
        services.AddSingleton<ValidatedTokenCache>();
        services.AddAuthentication(ValidatedTokenAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ValidatedTokenAuthentication>(ValidatedTokenAuthentication.SchemeName, scheme =>
            {
                scheme.ForwardChallenge = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
                scheme.ForwardForbid = OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
            });
        services.AddAuthorization(Configure);
        services.AddSingleton<ActiveClients>();
        services.AddSingleton<IAuthorizationHandler, ActiveClientHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, GrpcAuthorizationResultHandler>();
        return services;
    }

    internal static void Configure(AuthorizationOptions options)
    {
        foreach (var scope in new[] { FederationScopes.Submit, FederationScopes.Query, FederationScopes.Admin, FederationScopes.Referral, FederationScopes.Province })
        {
            options.AddPolicy(scope, policy => policy
                .AddAuthenticationSchemes(ValidatedTokenAuthentication.SchemeName)
                .RequireAuthenticatedUser()
                .AddRequirements(new ActiveClientRequirement([scope])));
        }

        options.AddPolicy(StatisticsReader, policy => policy
            .AddAuthenticationSchemes(ValidatedTokenAuthentication.SchemeName)
            .RequireAuthenticatedUser()
            .AddRequirements(new ActiveClientRequirement([FederationScopes.Query, FederationScopes.Province])));

        options.AddPolicy(DirectoryReader, policy => policy
            .AddAuthenticationSchemes(ValidatedTokenAuthentication.SchemeName)
            .RequireAuthenticatedUser()
            .AddRequirements(new ActiveClientRequirement([FederationScopes.Query, FederationScopes.Referral, FederationScopes.Province])));

        // Any endpoint that names no policy (a service added later) still needs a token of an active client.
        options.FallbackPolicy = new AuthorizationPolicyBuilder(ValidatedTokenAuthentication.SchemeName)
            .RequireAuthenticatedUser()
            .AddRequirements(new ActiveClientRequirement([]))
            .Build();
    }
}

/// <summary>The token carries one of <see cref="Scopes"/> (any token when empty) and its client is registered and not revoked.</summary>
internal sealed record ActiveClientRequirement(IReadOnlyList<string> Scopes) : IAuthorizationRequirement;

/// <summary>
/// Checks <see cref="ActiveClientRequirement"/>, and that the token's jurisdiction claim is the one registered for its
/// client; revocation takes effect on the next call, whatever the token's expiry.
/// </summary>
internal sealed class ActiveClientHandler(ActiveClients clients) : AuthorizationHandler<ActiveClientRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, ActiveClientRequirement requirement)
    {
        var clientId = context.User.GetClaim(Claims.Subject);
        if (clientId is null)
        {
            return;
        }

        if (requirement.Scopes.Count > 0 && !requirement.Scopes.Any(context.User.HasScope))
        {
            var held = string.Join(' ', context.User.GetScopes());
            var needed = string.Join(" or ", requirement.Scopes);
            context.Fail(new AuthorizationFailureReason(this,
                $"The token of '{clientId}' does not carry scope {needed} (it has: {(held.Length == 0 ? "none" : held)}); this method needs {needed}."));
            return;
        }

        var inactive = await clients.DescribeRefusedTokenAsync(clientId, context.User.GetClaim(FederationScopes.JurisdictionClaim), CancellationToken.None);
        if (inactive is not null)
        {
            context.Fail(new AuthorizationFailureReason(this, inactive + " Its tokens are refused."));
            return;
        }

        context.Succeed(requirement);
    }
}

/// <summary>
/// Answers a gRPC call that fails authentication or authorization with a proper gRPC status and a message that says
/// why (Unauthenticated: no or invalid token; PermissionDenied: wrong scope, revoked client), instead of a bare HTTP 401/403.
/// </summary>
internal sealed class GrpcAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded || context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var (code, message) = authorizeResult.Challenged
            ? (StatusCode.Unauthenticated, await DescribeAuthenticationFailureAsync(context))
            : (StatusCode.PermissionDenied, string.Join(" ", authorizeResult.AuthorizationFailure?.FailureReasons.Select(r => r.Message) ?? [])
                is { Length: > 0 } reasons ? reasons : "The token does not allow this method.");
        Services.GrpcStatusResponse.Write(context.Response, code, message);
        if (code == StatusCode.Unauthenticated)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }
    }

    private static async Task<string> DescribeAuthenticationFailureAsync(HttpContext context)
    {
        if (!context.Request.Headers.Authorization.Any(h => h?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true))
        {
            return "No access token: call with 'Authorization: Bearer <token>', a token from the federation's token server (POST /connect/token, client credentials).";
        }

        var result = await context.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        var description = result.Properties?.Items.TryGetValue(OpenIddictValidationAspNetCoreConstants.Properties.ErrorDescription, out var d) == true ? d : null;
        return $"The access token was refused: {description ?? result.Failure?.Message ?? "it is not valid for this gateway"}";
    }
}
