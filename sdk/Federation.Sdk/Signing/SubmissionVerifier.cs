using Federation.Sdk.Trust;

namespace Federation.Sdk.Signing;

/// <summary>
/// Verifies a submission's detached CMS signature: one ECDSA P-256 / SHA-256 signer, the signature over exactly the
/// submission bytes, a signer certificate that chains to the federation root now and binds exactly one jurisdiction.
/// </summary>
public sealed class SubmissionVerifier
{
    private readonly FederationTrust _trust;
    private readonly TimeProvider _timeProvider;

    public SubmissionVerifier(FederationTrust trust, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(trust);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _trust = trust;
        _timeProvider = timeProvider;
    }

    /// <summary>Verifies a release as it arrives: the signer's certificate must chain to the federation root now.</summary>
    public SignatureVerification Verify(ReadOnlySpan<byte> submission, ReadOnlySpan<byte> signature) =>
        Verify(submission, signature, _timeProvider.GetUtcNow());

    /// <summary>
    /// Verifies a release as it was when accepted (an auditor re-checking the log): the same checks, with the signer's
    /// certificate chaining to the federation root at <paramref name="at"/>.
    /// </summary>
    public SignatureVerification Verify(ReadOnlySpan<byte> submission, ReadOnlySpan<byte> signature, DateTimeOffset at)
    {
        var check = DetachedSignature.Check(submission, signature, _trust, at, "submission");
        if (!check.IsValid)
        {
            return check.Refusal!;
        }

        var signer = check.Signer!;
        var (jurisdiction, problem) = FederationIdentity.Describe(signer);
        if (jurisdiction is null)
        {
            return SignatureVerification.Refused(SignatureFailure.NoJurisdiction, problem, signer);
        }

        return new SignatureVerification(
            SignatureFailure.None,
            $"Signed by '{signer.Subject}' for jurisdiction {jurisdiction}.",
            signer,
            jurisdiction)
        {
            SigningTime = check.SigningTime,
        };
    }
}
