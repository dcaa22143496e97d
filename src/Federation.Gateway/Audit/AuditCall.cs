using System.Security.Cryptography;
using Federation.Contracts.V1;
using Google.Protobuf;
using Grpc.Core;

namespace Federation.Gateway.Audit;

/// <summary>
/// A call to record, as the request path leaves it: who, which method, the request message itself (not yet formatted),
/// the status and when. <see cref="ToRecord"/> formats it (JSON parameters, outcome text), which the audit writer does
/// off the request path (<see cref="BatchedAuditLog"/>).
/// </summary>
/// <param name="Request">The request message (formatted as JSON; a submission only by its id and sizes), a text already formatted, or null.</param>
public readonly record struct AuditCall(DateTimeOffset Time, string? ClientId, string Method, object? Request, StatusCode Status, string? Detail)
{
    private const int MaxParameterChars = 4096;

    /// <summary>Whether the call was refused (any status but OK).</summary>
    public bool Refused => Status != StatusCode.OK;

    /// <summary>The record stored for this call.</summary>
    public AuditRecord ToRecord() =>
        new(Time, ClientId ?? "anonymous", Method, Describe(Request), Status.ToString(), Detail ?? string.Empty, Refused);

    private static string Describe(object? request)
    {
        var text = request switch
        {
            string formatted => formatted,
            SubmitRequest submit => DescribeSubmit(submit),
            RegisterClientRequest register => $"{{\"clientId\":\"{register.ClientId}\",\"role\":\"{register.Role}\"}}",
            IMessage message => JsonFormatter.Default.Format(message),
            _ => string.Empty,
        };
        return text.Length <= MaxParameterChars ? text : text[..MaxParameterChars] + "...";
    }

    private static string DescribeSubmit(SubmitRequest submit)
    {
        var bytes = submit.Envelope?.Submission ?? ByteString.Empty;
        var id = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
        return $"{{\"submissionId\":\"{id}\",\"submissionBytes\":{bytes.Length},\"signatureBytes\":{submit.Envelope?.Signature.Length ?? 0}}}";
    }
}
