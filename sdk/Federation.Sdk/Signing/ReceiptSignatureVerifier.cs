using Federation.Contracts.V1;
using Federation.Sdk.Trust;
using Google.Protobuf;

namespace Federation.Sdk.Signing;

/// <summary>
/// Verifies the gateway's signature on a receipt: a detached CMS signature over exactly the receipt bytes, by a
/// gateway signing certificate (not a node's) that chains to the federation root.
/// </summary>
public sealed class ReceiptSignatureVerifier
{
    private readonly FederationTrust _trust;
    private readonly TimeProvider _timeProvider;

    public ReceiptSignatureVerifier(FederationTrust trust, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(trust);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _trust = trust;
        _timeProvider = timeProvider;
    }

    /// <summary>Checks a Submit response: the signature over <c>signed_receipt</c>, and that those bytes are the receipt it carries.</summary>
    public ReceiptSignatureCheck Verify(SubmitResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.SignedReceipt.IsEmpty || response.ReceiptSignature.IsEmpty)
        {
            return new ReceiptSignatureCheck(false, "The gateway's receipt is not signed (no signed_receipt or receipt_signature).", null);
        }

        var check = DetachedSignature.Check(response.SignedReceipt.Span, response.ReceiptSignature.Span, _trust, _timeProvider.GetUtcNow(), "receipt");
        if (!check.IsValid)
        {
            return new ReceiptSignatureCheck(false, $"The gateway's receipt signature is not valid: {check.Refusal!.Message}", null);
        }

        if (!FederationIdentity.IsGatewaySigner(check.Signer!))
        {
            return new ReceiptSignatureCheck(false,
                $"The receipt is signed by '{check.Signer!.Subject}', which is not a gateway signing certificate ({FederationIdentity.GatewaySignerUri}).", null);
        }

        Receipt signed;
        try
        {
            signed = Receipt.Parser.ParseFrom(response.SignedReceipt);
        }
        catch (InvalidProtocolBufferException e)
        {
            return new ReceiptSignatureCheck(false, $"The signed receipt bytes are not a federation.v1.Receipt: {e.Message}", null);
        }

        return response.Receipt is not null && !signed.Equals(response.Receipt)
            ? new ReceiptSignatureCheck(false, "The signed receipt differs from the receipt in the response.", null)
            : new ReceiptSignatureCheck(true, $"Signed by the gateway ('{check.Signer!.Subject}').", signed);
    }
}

/// <summary>The outcome of verifying a receipt signature, with the signed receipt when valid.</summary>
public sealed record ReceiptSignatureCheck(bool IsValid, string Message, Receipt? Receipt);
