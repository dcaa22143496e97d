using System.Security.Cryptography.X509Certificates;

namespace Federation.Sdk.Signing;

/// <summary>Why a submission signature was refused; <see cref="None"/> when it was accepted.</summary>
public enum SignatureFailure
{
    None,
    Malformed,
    SignerCount,
    SignatureMismatch,
    UnsupportedAlgorithm,
    UntrustedCertificate,
    NoJurisdiction,
}

/// <summary>The outcome of verifying a submission signature: the failure and a plain reason, or the signer and its jurisdiction.</summary>
public sealed record SignatureVerification(SignatureFailure Failure, string Message, X509Certificate2? SignerCertificate, string? Jurisdiction)
{
    public bool IsValid => Failure == SignatureFailure.None;

    /// <summary>The signing time the signer claimed (the signing-time attribute), when present. Informational: not a trusted timestamp.</summary>
    public DateTimeOffset? SigningTime { get; init; }

    internal static SignatureVerification Refused(SignatureFailure failure, string message, X509Certificate2? signer = null) =>
        new(failure, message, signer, null);
}
