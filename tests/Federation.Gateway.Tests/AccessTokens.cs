using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Federation.Sdk.Identity;
using Federation.Sdk.Trust;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Federation.Gateway.Tests;

/// <summary>
/// Re-signs a real access token with changed claims, to test what the gateway refuses. Re-signing an unchanged token
/// with the gateway's own key must be accepted, so each refusal is down to the one thing changed.
/// </summary>
internal static class AccessTokens
{
    public static string Reissue(string token, ECDsa key, string keyId, Action<Dictionary<string, object>>? change = null)
    {
        var original = new JsonWebToken(token);
        var payload = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64UrlEncoder.Decode(original.EncodedPayload))!;
        var claims = payload.ToDictionary(p => p.Key, p => Plain(p.Value));
        change?.Invoke(claims);
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            TokenType = original.Typ,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = keyId }, SecurityAlgorithms.EcdsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>Re-signs with the gateway's own signing key (as only the gateway can).</summary>
    public static string ReissueAsGateway(GatewayFixture gateway, string token, Action<Dictionary<string, object>>? change = null)
    {
        using var signing = CertificateFiles.LoadWithPrivateKey(gateway.Federation.GatewaySigningCertificatePem, gateway.Federation.GatewaySigningKeyPem);
        using var key = signing.GetECDsaPrivateKey()!;
        return Reissue(token, key, GatewayCredentials.KeyIdOf(signing), change);
    }

    public static long UnixTime(DateTimeOffset time) => time.ToUnixTimeSeconds();

    private static object Plain(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetInt64(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => value.EnumerateArray().Select(Plain).ToList(),
        _ => value.GetRawText(),
    };
}
