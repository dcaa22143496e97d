using System.Security.Cryptography.X509Certificates;
using Federation.Sdk.Identity;
using Federation.Sdk.Trust;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Validation;

namespace Federation.Gateway.Identity;

/// <summary>Whose access tokens a host accepts: its own token server's, or those of a token server on another host.</summary>
internal static class TokenValidationRegistration
{
    /// <summary>Tokens of the token server this host runs (issuer, keys and audience from the local server).</summary>
    public static IServiceCollection AddLocalTokenValidation(this IServiceCollection services)
    {
        services.AddOpenIddict().AddValidation(validation =>
        {
            validation.UseLocalServer();
            validation.AddAudiences(FederationScopes.GatewayAudience);
            validation.UseAspNetCore();
        });
        return services;
    }

    /// <summary>
    /// Tokens of a token server on its own host: issued by exactly that issuer, signed with a key of its signing
    /// certificate(s) (a PEM file; the old and the new one during a rotation), for the gateway audience. No discovery
    /// over the network: the keys are configured, so a token server that is down or impersonated cannot change them.
    /// </summary>
    public static IServiceCollection AddExternalTokenValidation(this IServiceCollection services, Func<IServiceProvider, (string Issuer, string SigningCertificatesPath)> settings)
    {
        services.AddOpenIddict().AddValidation(validation =>
        {
            validation.AddAudiences(FederationScopes.GatewayAudience);
            validation.UseAspNetCore();
        });
        services.AddOptions<OpenIddictValidationOptions>().Configure<IServiceProvider>((options, sp) =>
        {
            var (issuer, path) = settings(sp);
            var configuration = new OpenIddictConfiguration { Issuer = IssuerAddress.Normalize(issuer) };
            foreach (var key in SigningKeysOf(path))
            {
                configuration.SigningKeys.Add(key);
            }

            options.Issuer = configuration.Issuer;
            options.Configuration = configuration;
        });
        return services;
    }

    /// <summary>The public keys of the signing certificates in <paramref name="pemPath"/>, each under its certificate's thumbprint as key id.</summary>
    private static IEnumerable<SecurityKey> SigningKeysOf(string pemPath)
    {
        foreach (var certificate in CertificateFiles.LoadCertificates(pemPath))
        {
            using (certificate)
            {
                yield return new ECDsaSecurityKey(certificate.GetECDsaPublicKey()!) { KeyId = GatewayCredentials.KeyIdOf(certificate) };
            }
        }
    }
}

/// <summary>Issuer addresses in one form (absolute, ending in '/'), so the issuer a token names and the one a verifier expects compare equal.</summary>
public static class IssuerAddress
{
    public static Uri Normalize(string issuer) => new(new Uri(issuer, UriKind.Absolute).GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
}
