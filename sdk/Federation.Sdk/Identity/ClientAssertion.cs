using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Federation.Sdk.Identity;

/// <summary>
/// Client assertions (RFC 7523, <c>private_key_jwt</c>): a short-lived JWT signed with the node key that proves the
/// node holds it, used once to get an access token. No shared secret is involved.
/// </summary>
public static class ClientAssertion
{
    /// <summary>The assertion type of the token request (RFC 7523 section 2.2).</summary>
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>The JWT type OpenIddict (after draft-ietf-oauth-rfc7523bis) requires of client assertions.</summary>
    public const string TokenType = "client-authentication+jwt";

    private static readonly TimeSpan s_lifetime = TimeSpan.FromMinutes(2);

    /// <summary>
    /// A fresh assertion: issuer and subject <paramref name="clientId"/>, audience the token server's issuer, a unique
    /// jti, valid two minutes, signed ES256 with <paramref name="key"/> (key id <paramref name="keyId"/>, the certificate thumbprint).
    /// </summary>
    public static string Create(string clientId, Uri issuer, ECDsa key, string? keyId, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(key);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Audience = issuer.AbsoluteUri,
            TokenType = TokenType,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + s_lifetime).UtcDateTime,
            Subject = new ClaimsIdentity([
                new Claim(JwtRegisteredClaimNames.Sub, clientId),
                new Claim(JwtRegisteredClaimNames.Jti, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))),
            ]),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = keyId }, SecurityAlgorithms.EcdsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
