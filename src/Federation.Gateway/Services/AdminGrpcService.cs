using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Federation.Contracts.V1;
using Federation.Gateway.Audit;
using Federation.Gateway.Identity;
using Federation.Gateway.Serving;
using Federation.Sdk.Identity;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Federation.Gateway.Services;

/// <summary>
/// Administration: enrolment and revocation of clients and node certificates, the audit log, provenance. A token
/// server on its own host serves it without a submission store: the registry and audit methods only.
/// </summary>
[Authorize(Policy = AccessPolicies.Admin)]
internal sealed class AdminGrpcService(ClientRegistry registry, IAuditLog audit, ServedStatistics? store = null) : AdminService.AdminServiceBase
{
    public override async Task<RegisterNodeResponse> RegisterNode(RegisterNodeRequest request, ServerCallContext context)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(request.CertificatePem);
        }
        catch (CryptographicException e)
        {
            throw new RequestRefusedException(RefusalKind.InvalidArgument, $"certificate_pem is not a PEM certificate: {e.Message}", "certificate_pem");
        }

        using (certificate)
        {
            var replaces = string.IsNullOrWhiteSpace(request.ReplacesNodeId) ? null : request.ReplacesNodeId.Trim();
            var (client, registered) = await registry.RegisterNodeAsync(certificate, replaces, context.CancellationToken);
            var response = new RegisterNodeResponse { Client = ToContract(client), Certificate = ToContract(registered) };
            if (replaces is not null)
            {
                response.Replaced = ToContract((await registry.ListAsync(context.CancellationToken)).Single(c => c.ClientId == replaces));
            }

            return response;
        }
    }

    public override async Task<RegisterClientResponse> RegisterClient(RegisterClientRequest request, ServerCallContext context)
    {
        var kind = request.Role switch
        {
            ClientRole.Analyst => ClientKind.Analyst,
            ClientRole.Admin => ClientKind.Admin,
            ClientRole.Referral => ClientKind.Referral,
            ClientRole.Province => ClientKind.Province,
            _ => throw new RequestRefusedException(RefusalKind.InvalidArgument,
                "role must be CLIENT_ROLE_ANALYST, CLIENT_ROLE_REFERRAL, CLIENT_ROLE_PROVINCE or CLIENT_ROLE_ADMIN; nodes are registered with RegisterNode.", "role"),
        };
        var (client, secret) = await registry.RegisterSecretClientAsync(request.ClientId, kind, request.Jurisdiction, context.CancellationToken);
        return new RegisterClientResponse { Client = ToContract(client), ClientSecret = secret };
    }

    public override async Task<RevokeCertificateResponse> RevokeCertificate(RevokeCertificateRequest request, ServerCallContext context)
    {
        var certificate = await registry.RevokeCertificateAsync(request.Thumbprint, request.Reason, context.CancellationToken);
        return new RevokeCertificateResponse
        {
            Certificate = ToContract(certificate),
            SignedSubmissions = await CountSignedAsync([certificate], context.CancellationToken),
        };
    }

    public override async Task<RevokeClientResponse> RevokeClient(RevokeClientRequest request, ServerCallContext context)
    {
        var client = await registry.RevokeClientAsync(request.ClientId, request.Reason, context.CancellationToken);
        return new RevokeClientResponse
        {
            Client = ToContract(client),
            SignedSubmissions = await CountSignedAsync(client.Certificates, context.CancellationToken),
        };
    }

    public override async Task<ListClientsResponse> ListClients(ListClientsRequest request, ServerCallContext context)
    {
        var response = new ListClientsResponse();
        response.Clients.AddRange((await registry.ListAsync(context.CancellationToken)).Select(ToContract));
        return response;
    }

    public override async Task<ListAuditEntriesResponse> ListAuditEntries(ListAuditEntriesRequest request, ServerCallContext context)
    {
        var records = await audit.ReadAsync(
            new AuditQuery(
                string.IsNullOrEmpty(request.ClientId) ? null : request.ClientId,
                request.RefusalsOnly,
                request.Since?.ToDateTimeOffset(),
                request.Limit == 0 ? 100 : request.Limit),
            context.CancellationToken);
        var response = new ListAuditEntriesResponse();
        response.Entries.AddRange(records.Select(r => new AuditEntry
        {
            Sequence = r.Sequence,
            Time = Timestamp.FromDateTimeOffset(r.Time),
            ClientId = r.ClientId,
            Method = r.Method,
            Parameters = r.Parameters,
            Outcome = r.Outcome,
            Detail = r.Detail,
            Refused = r.Refused,
        }));
        return response;
    }

    public override async Task<GetSubmissionProvenanceResponse> GetSubmissionProvenance(GetSubmissionProvenanceRequest request, ServerCallContext context)
    {
        if (store is null)
        {
            throw new RequestRefusedException(RefusalKind.FailedPrecondition,
                "This host is the federation's token server; it stores no submissions. Ask the gateway for provenance.", "submission_id");
        }

        var origin = await store.FindOriginAsync(request.SubmissionId, context.CancellationToken) ?? throw new RequestRefusedException(
            RefusalKind.NotFound, $"No submission '{request.SubmissionId}' is stored.", "submission_id");
        var certificate = await registry.FindCertificateBySha1Async(origin.SignerThumbprint, context.CancellationToken);
        var provenance = new SubmissionProvenance
        {
            SubmissionId = origin.SubmissionId,
            DatasetId = origin.DatasetId,
            Jurisdiction = origin.Jurisdiction,
            ReferenceYear = origin.ReferenceYear,
            Revision = origin.Revision,
            ReceivedAt = Timestamp.FromDateTimeOffset(origin.ReceivedAt),
            SignerSubject = origin.SignerSubject,
            SignerThumbprint = certificate?.Thumbprint ?? SignerSha256(origin.Signature),
            SupersededBy = origin.SupersededBy ?? string.Empty,
        };
        if (certificate?.RevokedAt is { } revokedAt)
        {
            provenance.SignerRevoked = true;
            provenance.SignerRevokedAt = Timestamp.FromDateTimeOffset(revokedAt);
            provenance.SignerRevocationReason = certificate.RevocationReason ?? string.Empty;
        }

        return new GetSubmissionProvenanceResponse { Provenance = provenance };
    }

    private async Task<int> CountSignedAsync(IEnumerable<CertificateView> certificates, CancellationToken cancellationToken)
    {
        var count = 0;
        if (store is null)
        {
            return count;
        }

        foreach (var certificate in certificates)
        {
            count += await store.CountSignedByAsync(certificate.Sha1Thumbprint, cancellationToken);
        }

        return count;
    }

    private static string SignerSha256(byte[] signature)
    {
        var cms = new SignedCms();
        cms.Decode(signature);
        return cms.SignerInfos.Count == 1 && cms.SignerInfos[0].Certificate is { } signer ? GatewayCredentials.KeyIdOf(signer) : string.Empty;
    }

    private static FederationClient ToContract(ClientView client)
    {
        var contract = new FederationClient
        {
            ClientId = client.ClientId,
            Role = client.Kind switch
            {
                ClientKind.Node => ClientRole.Node,
                ClientKind.Analyst => ClientRole.Analyst,
                ClientKind.Referral => ClientRole.Referral,
                ClientKind.Province => ClientRole.Province,
                _ => ClientRole.Admin,
            },
            Jurisdiction = client.Jurisdiction ?? string.Empty,
            RegisteredAt = Timestamp.FromDateTimeOffset(client.RegisteredAt),
            RevokedAt = client.RevokedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
            RevocationReason = client.RevocationReason ?? string.Empty,
        };
        contract.Certificates.AddRange(client.Certificates.Select(ToContract));
        return contract;
    }

    private static NodeCertificate ToContract(CertificateView certificate) => new()
    {
        Thumbprint = certificate.Thumbprint,
        Subject = certificate.Subject,
        Jurisdiction = certificate.Jurisdiction,
        NotBefore = Timestamp.FromDateTimeOffset(certificate.NotBefore),
        NotAfter = Timestamp.FromDateTimeOffset(certificate.NotAfter),
        RegisteredAt = Timestamp.FromDateTimeOffset(certificate.RegisteredAt),
        RevokedAt = certificate.RevokedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
        RevocationReason = certificate.RevocationReason ?? string.Empty,
    };
}
