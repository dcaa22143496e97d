using Federation.Contracts.V1;
using Federation.Sdk.Signing;
using Google.Protobuf;

namespace Federation.Gateway.Ingestion;

/// <summary>
/// Opens a signed envelope the same way for every kind of release (statistics, service directory): bytes and
/// signature present, CMS signature and chain to the federation root, the caller's identity check, the canonical
/// encoding of the expected message, and the same jurisdiction in certificate and payload. Refuses with
/// <see cref="RequestRefusedException"/>; nothing is written here.
/// </summary>
/// <remarks>
/// The checks that only compute (signature and chain, parsing, validation: <see cref="CheckAsync{T}"/>) run at most
/// one per core at once; the other releases in flight wait for a slot without taking a thread. Otherwise, with many
/// releases in flight, every continuation of the log's single writer (a database round trip, a commit) would queue in
/// the thread pool behind all of them, and the writer, which every release waits for, would crawl.
/// </remarks>
public sealed class SignedEnvelopeOpener(SubmissionVerifier verifier) : IDisposable
{
    private readonly SemaphoreSlim _checkSlots = new(Environment.ProcessorCount);

    /// <summary>Runs a check that only computes on a release, when one of the slots (one per core) is free.</summary>
    public async Task<T> CheckAsync<T>(Func<T> check, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        await _checkSlots.WaitAsync(cancellationToken);
        try
        {
            return check();
        }
        finally
        {
            _checkSlots.Release();
        }
    }

    public void Dispose() => _checkSlots.Dispose();

    public async Task<OpenedEnvelope<T>> OpenAsync<T>(
        SignedEnvelope? envelope,
        Func<T, string> jurisdictionOf,
        string jurisdictionField,
        Func<SignatureVerification, CancellationToken, Task>? authorizeSigner,
        CancellationToken cancellationToken)
        where T : class, IMessage<T>, new()
    {
        var messageName = new T().Descriptor.FullName;
        if (envelope is null || envelope.Submission.IsEmpty)
        {
            throw Invalid("envelope.submission", $"The envelope carries no {messageName} bytes.");
        }

        if (envelope.Signature.IsEmpty)
        {
            throw Invalid("envelope.signature", "The envelope carries no signature.");
        }

        var bytes = envelope.Submission.ToByteArray();
        var signature = envelope.Signature.ToByteArray();
        var verification = await CheckAsync(() => verifier.Verify(bytes, signature), cancellationToken);
        if (!verification.IsValid)
        {
            var kind = verification.Failure is SignatureFailure.UntrustedCertificate or SignatureFailure.NoJurisdiction
                ? RefusalKind.PermissionDenied
                : RefusalKind.InvalidArgument;
            throw new RequestRefusedException(kind, verification.Message, "envelope.signature");
        }

        if (authorizeSigner is not null)
        {
            await authorizeSigner(verification, cancellationToken);
        }

        var message = await CheckAsync(() => Parse<T>(bytes), cancellationToken);
        var jurisdiction = jurisdictionOf(message);
        if (!string.Equals(verification.Jurisdiction, jurisdiction, StringComparison.Ordinal))
        {
            throw new RequestRefusedException(
                RefusalKind.PermissionDenied,
                $"The {messageName} is for jurisdiction '{jurisdiction}' but is signed by a node certificate of '{verification.Jurisdiction}'. " +
                "A node may only send its own jurisdiction's releases.",
                jurisdictionField);
        }

        return new OpenedEnvelope<T>(message, bytes, signature, verification);
    }

    private static T Parse<T>(byte[] bytes)
        where T : class, IMessage<T>, new() =>
        CanonicalMessage.TryParse<T>(bytes, out var problem) ?? throw Invalid("envelope.submission", problem!);

    private static RequestRefusedException Invalid(string field, string message) => new(RefusalKind.InvalidArgument, message, field);
}

/// <summary>A verified, parsed envelope: the message, its exact bytes and signature, and who signed it.</summary>
public sealed record OpenedEnvelope<T>(T Message, byte[] Bytes, byte[] Signature, SignatureVerification Verification);
