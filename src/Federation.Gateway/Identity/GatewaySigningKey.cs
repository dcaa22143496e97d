using System.Security.Cryptography.X509Certificates;
using Federation.Gateway.Hosting;
using Federation.Sdk.Identity;
using Federation.Sdk.Signing;
using Federation.Sdk.Trust;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Federation.Gateway.Identity;

/// <summary>
/// The gateway's own signing certificate (issued by the federation CA, marked as the gateway signer): signs receipts
/// and, when the gateway hosts the token server, access tokens.
/// </summary>
public sealed class GatewaySigningKey : IDisposable
{
    private readonly X509Certificate2 _certificate;
    private readonly TimeProvider _timeProvider;

    public GatewaySigningKey(IOptions<GatewayOptions> options, TimeProvider timeProvider)
    {
        var settings = options.Value;
        _certificate = CertificateFiles.LoadWithPrivateKey(settings.SigningCertificatePath!, settings.SigningPrivateKeyPath!);
        _timeProvider = timeProvider;
        SecurityKey = new ECDsaSecurityKey(_certificate.GetECDsaPrivateKey()!) { KeyId = GatewayCredentials.KeyIdOf(_certificate) };
    }

    /// <summary>The key as a token signing key (ES256), its key id the certificate thumbprint.</summary>
    public SecurityKey SecurityKey { get; }

    /// <summary>A detached CMS signature over <paramref name="content"/>, the same profile nodes sign submissions with.</summary>
    public byte[] Sign(ReadOnlySpan<byte> content) => SubmissionSigner.Sign(content, _certificate, _timeProvider.GetUtcNow());

    public void Dispose() => _certificate.Dispose();
}
