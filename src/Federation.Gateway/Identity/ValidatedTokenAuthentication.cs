using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

namespace Federation.Gateway.Identity;

/// <summary>
/// Authentication by access token with the validation remembered: a token OpenIddict validated (signature, issuer,
/// audience, lifetime) is accepted again without being validated again until it expires, never after. Only the token's
/// validation is remembered: whether its client is registered and not revoked is checked on every call
/// (<see cref="ActiveClientHandler"/>), so a revocation still takes effect on the next call. A token that fails, or has
/// no expiry, is never remembered; challenges and refusals are OpenIddict's.
/// </summary>
internal sealed class ValidatedTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ValidatedTokenCache cache,
    TimeProvider timeProvider)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "federation.validated-token";

    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.Count == 1 ? Request.Headers.Authorization[0] : null;
        var token = header is not null && header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) ? header[BearerPrefix.Length..].Trim() : null;
        if (token is { Length: > 0 } && cache.Find(token, timeProvider.GetUtcNow()) is { } remembered)
        {
            return AuthenticateResult.Success(new AuthenticationTicket(remembered, Scheme.Name));
        }

        var result = await Context.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (!result.Succeeded)
        {
            return result;
        }

        if (token is { Length: > 0 } && result.Principal.GetExpirationDate() is { } expiresAt)
        {
            cache.Remember(token, result.Principal, expiresAt, timeProvider.GetUtcNow());
        }

        return AuthenticateResult.Success(new AuthenticationTicket(result.Principal, Scheme.Name));
    }
}

/// <summary>
/// The access tokens validated recently, each with its principal until the token's expiry. Bounded: at
/// <see cref="MaxTokens"/> the expired ones are dropped, and if that is not enough, all of them (they are validated again).
/// </summary>
internal sealed class ValidatedTokenCache
{
    public const int MaxTokens = 10_000;

    private readonly ConcurrentDictionary<string, (ClaimsPrincipal Principal, DateTimeOffset ExpiresAt)> _tokens = new(StringComparer.Ordinal);

    /// <summary>The principal of a token validated before that has not expired at <paramref name="now"/>, or null.</summary>
    public ClaimsPrincipal? Find(string token, DateTimeOffset now)
    {
        if (!_tokens.TryGetValue(token, out var entry))
        {
            return null;
        }

        if (now < entry.ExpiresAt)
        {
            return entry.Principal;
        }

        _tokens.TryRemove(token, out _);
        return null;
    }

    public void Remember(string token, ClaimsPrincipal principal, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        if (expiresAt <= now)
        {
            return;
        }

        if (_tokens.Count >= MaxTokens)
        {
            foreach (var (expired, _) in _tokens.Where(t => t.Value.ExpiresAt <= now))
            {
                _tokens.TryRemove(expired, out _);
            }

            if (_tokens.Count >= MaxTokens)
            {
                _tokens.Clear();
            }
        }

        _tokens[token] = (principal, expiresAt);
    }
}
