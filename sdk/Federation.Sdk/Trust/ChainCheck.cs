using System.Security.Cryptography.X509Certificates;

namespace Federation.Sdk.Trust;

/// <summary>The outcome of validating a certificate's chain to the federation root, with the reason when refused.</summary>
public sealed record ChainCheck(bool IsTrusted, string Message, X509ChainStatusFlags Status)
{
    internal static ChainCheck Trusted(X509Certificate2 certificate) =>
        new(true, $"The certificate '{certificate.Subject}' chains to the federation root.", X509ChainStatusFlags.NoError);
}
