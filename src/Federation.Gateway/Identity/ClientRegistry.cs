using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Sdk.Catalog;
using Federation.Sdk.Identity;
using Federation.Sdk.Trust;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Federation.Gateway.Identity;

/// <summary>
/// The federation's clients and node certificates: enrolment, key rotation, revocation. Keeps OpenIddict's
/// applications in step: a node's JWK set holds the public keys of its certificates that are not revoked; a revoked
/// client has no application, so it gets no token.
/// </summary>
public sealed class ClientRegistry
{
    private readonly FederationIdentityDbContext _db;
    private readonly IOpenIddictApplicationManager _applications;
    private readonly FederationTrust _trust;
    private readonly TimeProvider _timeProvider;
    private readonly bool _issuesTokens;

    public ClientRegistry(
        FederationIdentityDbContext db,
        IOpenIddictApplicationManager applications,
        FederationTrust trust,
        TimeProvider timeProvider,
        IdentityStoreRole role)
    {
        _db = db;
        _applications = applications;
        _trust = trust;
        _timeProvider = timeProvider;
        _issuesTokens = role.IssuesTokens;
    }

    /// <summary>The scopes a kind of client may ask for.</summary>
    public static IReadOnlyList<string> ScopesOf(ClientKind kind) => kind switch
    {
        ClientKind.Node => [FederationScopes.Submit],
        ClientKind.Analyst => [FederationScopes.Query],
        ClientKind.Admin => [FederationScopes.Admin],
        ClientKind.Referral => [FederationScopes.Referral],
        ClientKind.Province => [FederationScopes.Province],
        _ => [],
    };

    /// <summary>
    /// Registers a node certificate (enrolment, or the new certificate of a key rotation). The client id is the
    /// certificate's common name. Registering the same certificate again changes nothing.
    /// </summary>
    public Task<(ClientView Client, CertificateView Certificate)> RegisterNodeAsync(X509Certificate2 certificate, CancellationToken cancellationToken) =>
        RegisterNodeAsync(certificate, replaces: null, cancellationToken);

    /// <summary>
    /// Registers a node certificate, as <see cref="RegisterNodeAsync(X509Certificate2, CancellationToken)"/>. A jurisdiction
    /// has one active node: a certificate for a new node id is refused while another node of its jurisdiction is active,
    /// unless <paramref name="replaces"/> names that node, which is then revoked ("replaced by ...") in the same transaction.
    /// </summary>
    public async Task<(ClientView Client, CertificateView Certificate)> RegisterNodeAsync(
        X509Certificate2 certificate, string? replaces, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var now = _timeProvider.GetUtcNow();
        var chain = _trust.Validate(certificate, now);
        if (!chain.IsTrusted)
        {
            throw new RequestRefusedException(RefusalKind.PermissionDenied, chain.Message, "certificate_pem");
        }

        var jurisdiction = FederationIdentity.GetJurisdiction(certificate) ?? throw new RequestRefusedException(
            RefusalKind.InvalidArgument,
            $"The certificate '{certificate.Subject}' binds no single jurisdiction; a node certificate binds exactly one.",
            "certificate_pem");
        using var publicKey = certificate.GetECDsaPublicKey();
        if (publicKey is null || publicKey.KeySize != 256)
        {
            throw new RequestRefusedException(RefusalKind.InvalidArgument,
                $"The certificate '{certificate.Subject}' does not hold an ECDSA P-256 key; nodes sign and authenticate with ECDSA P-256.",
                "certificate_pem");
        }

        var clientId = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (string.IsNullOrWhiteSpace(clientId))
        {
            throw new RequestRefusedException(RefusalKind.InvalidArgument, "The certificate has no common name (the node id).", "certificate_pem");
        }

        return await ChangeAsync(async () =>
        {
            var client = await _db.Clients.FindAsync([clientId], cancellationToken);
            if (client is null)
            {
                client = new RegisteredClient { ClientId = clientId, Kind = ClientKind.Node, Jurisdiction = jurisdiction, RegisteredAt = now.UtcDateTime };
                _db.Clients.Add(client);
            }
            else if (client.Kind != ClientKind.Node || client.Jurisdiction != jurisdiction)
            {
                throw new RequestRefusedException(RefusalKind.FailedPrecondition,
                    $"Client '{clientId}' is already registered as {Describe(client)}; a certificate for {jurisdiction} cannot be added to it.",
                    "certificate_pem");
            }
            else if (client.RevokedAt is not null)
            {
                throw new RequestRefusedException(RefusalKind.FailedPrecondition,
                    $"Node '{clientId}' was revoked at {client.RevokedAt:u}; a revoked node cannot be re-enrolled under the same id.", "certificate_pem");
            }

            await ReplaceActiveNodeAsync(clientId, jurisdiction, replaces, now.UtcDateTime, cancellationToken);
            var thumbprint = GatewayCredentials.KeyIdOf(certificate);
            var registered = await _db.Certificates.FindAsync([thumbprint], cancellationToken);
            if (registered?.RevokedAt is not null)
            {
                throw new RequestRefusedException(RefusalKind.FailedPrecondition,
                    $"Certificate {thumbprint} was revoked at {registered.RevokedAt:u}; a revoked certificate cannot be registered again.", "certificate_pem");
            }

            if (registered is null)
            {
                registered = new RegisteredCertificate
                {
                    Thumbprint = thumbprint,
                    Sha1Thumbprint = certificate.Thumbprint,
                    ClientId = clientId,
                    Jurisdiction = jurisdiction,
                    Subject = certificate.Subject,
                    NotBefore = certificate.NotBefore.ToUniversalTime(),
                    NotAfter = certificate.NotAfter.ToUniversalTime(),
                    RegisteredAt = now.UtcDateTime,
                    CertificatePem = certificate.ExportCertificatePem(),
                };
                _db.Certificates.Add(registered);
            }

            await _db.SaveChangesAsync(cancellationToken);
            await SynchronizeApplicationAsync(client, cancellationToken);
            return (await ViewAsync(client, cancellationToken), View(registered));
        }, cancellationToken);
    }

    /// <summary>
    /// Keeps one active node per jurisdiction: refuses <paramref name="clientId"/> while another node of
    /// <paramref name="jurisdiction"/> is active, unless <paramref name="replaces"/> names it; then revokes it.
    /// </summary>
    private async Task ReplaceActiveNodeAsync(string clientId, string jurisdiction, string? replaces, DateTime now, CancellationToken cancellationToken)
    {
        var others = await _db.Clients
            .Where(c => c.Kind == ClientKind.Node && c.Jurisdiction == jurisdiction && c.RevokedAt == null && c.ClientId != clientId)
            .OrderBy(c => c.ClientId)
            .ToListAsync(cancellationToken);
        if (string.IsNullOrEmpty(replaces))
        {
            if (others.Count > 0)
            {
                throw new RequestRefusedException(RefusalKind.FailedPrecondition,
                    $"{jurisdiction} already has an active node, '{others[0].ClientId}'; a jurisdiction has one node. To replace it with '{clientId}', "
                    + $"register with --replaces {others[0].ClientId} (replaces_node_id), which revokes '{others[0].ClientId}'. To rotate the key of "
                    + $"'{others[0].ClientId}', issue the new certificate for node id '{others[0].ClientId}'.",
                    "replaces_node_id");
            }

            return;
        }

        var replaced = others.FirstOrDefault(c => c.ClientId == replaces) ?? throw new RequestRefusedException(RefusalKind.FailedPrecondition,
            replaces == clientId
                ? $"Node '{clientId}' cannot replace itself; a new certificate for the same node id is a key rotation: register it without --replaces."
                : $"'{replaces}' is not an active node of {jurisdiction}"
                  + (others.Count > 0 ? $" (its active node is '{others[0].ClientId}')." : " (it has none); register without --replaces."),
            "replaces_node_id");
        if (others.Count > 1)
        {
            throw new RequestRefusedException(RefusalKind.FailedPrecondition,
                $"{jurisdiction} has {others.Count} active nodes ({string.Join(", ", others.Select(c => c.ClientId))}); revoke all but '{replaces}' first.",
                "replaces_node_id");
        }

        await RevokeAsync(replaced, $"replaced by node '{clientId}'", now, cancellationToken);
    }

    /// <summary>
    /// Registers an analyst or administrator; returns the secret, which is stored only hashed. A store that issues no
    /// tokens (a gateway trusting an external token server) records the client and returns an empty secret: the client
    /// gets its secret from the token server.
    /// </summary>
    public Task<(ClientView Client, string Secret)> RegisterSecretClientAsync(string clientId, ClientKind kind, CancellationToken cancellationToken) =>
        RegisterSecretClientAsync(clientId, kind, jurisdiction: null, cancellationToken);

    /// <summary>
    /// Registers a client that authenticates with a secret, as above; a province client (<see cref="ClientKind.Province"/>)
    /// is bound to <paramref name="jurisdiction"/>, which its tokens carry and every read it makes is held to.
    /// </summary>
    public async Task<(ClientView Client, string Secret)> RegisterSecretClientAsync(
        string clientId, ClientKind kind, string? jurisdiction, CancellationToken cancellationToken)
    {
        var secret = _issuesTokens ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_') : string.Empty;
        var client = await EnsureSecretClientAsync(clientId, kind, jurisdiction, secret, replaceSecret: false, cancellationToken);
        return (client, secret);
    }

    /// <summary>
    /// Registers an analyst or administrator with a given secret, or (with <paramref name="replaceSecret"/>) sets the
    /// secret of an existing one of the same kind. For set-up tools such as the demo.
    /// </summary>
    public Task<ClientView> EnsureSecretClientAsync(string clientId, ClientKind kind, string secret, bool replaceSecret, CancellationToken cancellationToken) =>
        EnsureSecretClientAsync(clientId, kind, jurisdiction: null, secret, replaceSecret, cancellationToken);

    /// <summary>As above, for any kind of secret client; a province client names its <paramref name="jurisdiction"/>, no other kind does.</summary>
    public async Task<ClientView> EnsureSecretClientAsync(
        string clientId, ClientKind kind, string? jurisdiction, string secret, bool replaceSecret, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(clientId) || clientId.Length > 100 || clientId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new RequestRefusedException(RefusalKind.InvalidArgument, $"'{clientId}' is not a client id: 1-100 characters, no spaces.", "client_id");
        }

        if (kind is not (ClientKind.Analyst or ClientKind.Admin or ClientKind.Referral or ClientKind.Province))
        {
            throw new RequestRefusedException(RefusalKind.InvalidArgument,
                "Only analysts, referral desks, province clients and administrators authenticate with a secret; nodes are registered with their certificate (RegisterNode).", "role");
        }

        jurisdiction = string.IsNullOrWhiteSpace(jurisdiction) ? null : jurisdiction.Trim();
        if (kind == ClientKind.Province && (jurisdiction is null || !Jurisdiction.IsValid(jurisdiction)))
        {
            throw new RequestRefusedException(RefusalKind.InvalidArgument,
                $"A province client reads one jurisdiction: jurisdiction must be one of {string.Join(", ", Jurisdiction.All)}"
                + (jurisdiction is null ? " (it is empty)." : $" ('{jurisdiction}' is not)."), "jurisdiction");
        }

        if (kind != ClientKind.Province && jurisdiction is not null)
        {
            throw new RequestRefusedException(RefusalKind.InvalidArgument,
                $"Only a province client is bound to a jurisdiction; leave jurisdiction empty for {Describe(new RegisteredClient { ClientId = clientId, Kind = kind })}, "
                + "or register it with the province role.", "jurisdiction");
        }

        return await ChangeAsync(async () =>
        {
            var client = await _db.Clients.FindAsync([clientId], cancellationToken);
            if (client is not null && (!replaceSecret || client.Kind != kind || client.Jurisdiction != jurisdiction || client.RevokedAt is not null))
            {
                throw new RequestRefusedException(RefusalKind.AlreadyExists,
                    $"Client '{clientId}' is already registered as {Describe(client)}.", "client_id");
            }

            var now = _timeProvider.GetUtcNow().UtcDateTime;
            if (client is null)
            {
                client = new RegisteredClient { ClientId = clientId, Kind = kind, Jurisdiction = jurisdiction, RegisteredAt = now };
                _db.Clients.Add(client);
                await _db.SaveChangesAsync(cancellationToken);
            }

            if (!_issuesTokens)
            {
                return await ViewAsync(client, cancellationToken);
            }

            var application = await _applications.FindByClientIdAsync(clientId, cancellationToken);
            if (application is null)
            {
                await _applications.CreateAsync(Descriptor(client, secret, null), cancellationToken);
            }
            else
            {
                await _applications.UpdateAsync(application, secret, cancellationToken);
            }

            return await ViewAsync(client, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>Revokes one node certificate: its key gets no more tokens and its signatures are refused.</summary>
    public async Task<CertificateView> RevokeCertificateAsync(string thumbprint, string reason, CancellationToken cancellationToken)
    {
        return await ChangeAsync(async () =>
        {
            var certificate = await _db.Certificates.FindAsync([thumbprint.Trim().ToLowerInvariant()], cancellationToken)
                ?? throw new RequestRefusedException(RefusalKind.NotFound, $"No node certificate with thumbprint '{thumbprint}' is registered.", "thumbprint");
            if (certificate.RevokedAt is null)
            {
                certificate.RevokedAt = _timeProvider.GetUtcNow().UtcDateTime;
                certificate.RevocationReason = Reason(reason);
                await _db.SaveChangesAsync(cancellationToken);
                var client = await _db.Clients.FindAsync([certificate.ClientId], cancellationToken);
                await SynchronizeApplicationAsync(client!, cancellationToken);
            }

            return View(certificate);
        }, cancellationToken);
    }

    /// <summary>Revokes a client (and every certificate of a node): no more tokens, its signatures refused.</summary>
    public async Task<ClientView> RevokeClientAsync(string clientId, string reason, CancellationToken cancellationToken)
    {
        return await ChangeAsync(async () =>
        {
            var client = await _db.Clients.FindAsync([clientId], cancellationToken)
                ?? throw new RequestRefusedException(RefusalKind.NotFound, $"No client '{clientId}' is registered.", "client_id");
            if (client.RevokedAt is null)
            {
                await RevokeAsync(client, reason, _timeProvider.GetUtcNow().UtcDateTime, cancellationToken);
            }

            return await ViewAsync(client, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>Revokes an active client and every certificate it has, and stops its tokens.</summary>
    private async Task RevokeAsync(RegisteredClient client, string reason, DateTime now, CancellationToken cancellationToken)
    {
        client.RevokedAt = now;
        client.RevocationReason = Reason(reason);
        foreach (var certificate in await _db.Certificates.Where(c => c.ClientId == client.ClientId && c.RevokedAt == null).ToListAsync(cancellationToken))
        {
            certificate.RevokedAt = now;
            certificate.RevocationReason = client.RevocationReason;
        }

        await _db.SaveChangesAsync(cancellationToken);
        await SynchronizeApplicationAsync(client, cancellationToken);
    }

    public async Task<IReadOnlyList<ClientView>> ListAsync(CancellationToken cancellationToken)
    {
        var clients = await _db.Clients.AsNoTracking().OrderBy(c => c.ClientId).ToListAsync(cancellationToken);
        var certificates = (await _db.Certificates.AsNoTracking().ToListAsync(cancellationToken)).ToLookup(c => c.ClientId);
        return clients.Select(c => View(c, certificates[c.ClientId])).ToList();
    }

    /// <summary>The client, or null when it is not registered.</summary>
    public async Task<ClientView?> FindAsync(string clientId, CancellationToken cancellationToken)
    {
        var client = await _db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
        return client is null ? null : await ViewAsync(client, cancellationToken);
    }

    /// <summary>Why the client may not act now (not registered, revoked), or null when it may.</summary>
    public async Task<string?> DescribeInactiveAsync(string clientId, CancellationToken cancellationToken)
    {
        var client = await _db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.ClientId == clientId, cancellationToken);
        return DescribeInactive(clientId, client);
    }

    /// <summary>
    /// Why a token of <paramref name="clientId"/> naming <paramref name="tokenJurisdiction"/> (its jurisdiction claim,
    /// null when it has none) may not be used now, given the client's registration (<paramref name="client"/>, null when
    /// it is not registered): the client is not registered or revoked, or the claim is not the jurisdiction registered
    /// for the client (a node or province client must carry exactly its own; other clients none). Null when it may.
    /// </summary>
    internal static string? DescribeRefusedToken(string clientId, RegisteredClient? client, string? tokenJurisdiction) =>
        DescribeInactive(clientId, client) ?? (client!.Jurisdiction == tokenJurisdiction
            ? null
            : $"The token of '{clientId}' names jurisdiction {(tokenJurisdiction is null ? "none" : $"'{tokenJurisdiction}'")}, but the client is registered as "
              + $"{Describe(client)}{(client.Jurisdiction is null ? " (no jurisdiction)" : string.Empty)}. Get a new token from the federation's token server.");

    private static string? DescribeInactive(string clientId, RegisteredClient? client) => client switch
    {
        null => $"Client '{clientId}' is not registered with this gateway.",
        { RevokedAt: { } at } => $"Client '{clientId}' was revoked at {DateTime.SpecifyKind(at, DateTimeKind.Utc):u} ({client.RevocationReason}).",
        _ => null,
    };

    /// <summary>
    /// Why <paramref name="clientId"/> may not submit what <paramref name="signer"/> signed (certificate not
    /// registered to it, or revoked), or null when it may.
    /// </summary>
    public async Task<string?> DescribeSignerProblemAsync(string clientId, X509Certificate2 signer, CancellationToken cancellationToken)
    {
        var thumbprint = GatewayCredentials.KeyIdOf(signer);
        var certificate = await _db.Certificates.AsNoTracking().FirstOrDefaultAsync(c => c.Thumbprint == thumbprint, cancellationToken);
        return certificate switch
        {
            null => $"The signing certificate '{signer.Subject}' ({thumbprint}) is not registered with this gateway; an administrator registers a node's certificate at enrolment.",
            { RevokedAt: { } at } => $"The signing certificate '{signer.Subject}' ({thumbprint}) was revoked at {DateTime.SpecifyKind(at, DateTimeKind.Utc):u} ({certificate.RevocationReason}); its signatures are refused.",
            _ when certificate.ClientId != clientId => $"The envelope is signed with the certificate of node '{certificate.ClientId}', but the caller is '{clientId}'. A node submits only what it signed itself.",
            _ => null,
        };
    }

    /// <summary>The registered certificate with this SHA-1 thumbprint (as the submission store records signers), or null.</summary>
    public async Task<CertificateView?> FindCertificateBySha1Async(string sha1Thumbprint, CancellationToken cancellationToken)
    {
        var certificate = await _db.Certificates.AsNoTracking().FirstOrDefaultAsync(c => c.Sha1Thumbprint == sha1Thumbprint, cancellationToken);
        return certificate is null ? null : View(certificate);
    }

    /// <summary>
    /// Runs a change of the registry in one transaction that no other process sharing the identity store (a replica)
    /// can interleave with: what it reads (does this client or certificate exist?) still holds when it writes.
    /// SQLite's write transaction is that lock; on PostgreSQL an advisory lock is taken at the start.
    /// </summary>
    private async Task<T> ChangeAsync<T>(Func<Task<T>> change, CancellationToken cancellationToken)
    {
        await using var transaction = await _db.Database.BeginTransactionAsync(cancellationToken);
        if (_db.Database.IsNpgsql())
        {
            await _db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtextextended('federation.identity.registry', 0))", cancellationToken);
        }

        var result = await change();
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private async Task SynchronizeApplicationAsync(RegisteredClient client, CancellationToken cancellationToken)
    {
        if (!_issuesTokens)
        {
            return;
        }

        var application = await _applications.FindByClientIdAsync(client.ClientId, cancellationToken);
        var active = client.RevokedAt is null && client.Kind == ClientKind.Node
            ? await _db.Certificates.AsNoTracking().Where(c => c.ClientId == client.ClientId && c.RevokedAt == null).ToListAsync(cancellationToken)
            : [];
        if (client.RevokedAt is not null || (client.Kind == ClientKind.Node && active.Count == 0))
        {
            // No application, no token: the simplest state OpenIddict cannot get wrong.
            if (application is not null)
            {
                await _applications.DeleteAsync(application, cancellationToken);
            }

            return;
        }

        if (client.Kind != ClientKind.Node)
        {
            return;
        }

        var keys = new JsonWebKeySet();
        foreach (var certificate in active)
        {
            using var loaded = X509Certificate2.CreateFromPem(certificate.CertificatePem);
            var key = loaded.GetECDsaPublicKey()!;
            keys.Keys.Add(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(key) { KeyId = certificate.Thumbprint }));
        }

        var descriptor = Descriptor(client, null, keys);
        if (application is null)
        {
            await _applications.CreateAsync(descriptor, cancellationToken);
        }
        else
        {
            await _applications.UpdateAsync(application, descriptor, cancellationToken);
        }
    }

    private static OpenIddictApplicationDescriptor Descriptor(RegisteredClient client, string? secret, JsonWebKeySet? keys)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = Describe(client),
            JsonWebKeySet = keys,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        };
        foreach (var scope in ScopesOf(client.Kind))
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        return descriptor;
    }

    private static string Describe(RegisteredClient client) => client.Kind switch
    {
        ClientKind.Node => $"the node of {client.Jurisdiction}",
        ClientKind.Analyst => "an analyst",
        ClientKind.Referral => "a referral desk",
        ClientKind.Province => $"the province client of {client.Jurisdiction}",
        _ => "an administrator",
    };

    private static string Reason(string reason) => string.IsNullOrWhiteSpace(reason) ? "no reason given" : reason.Trim();

    private async Task<ClientView> ViewAsync(RegisteredClient client, CancellationToken cancellationToken) =>
        View(client, await _db.Certificates.AsNoTracking().Where(c => c.ClientId == client.ClientId).ToListAsync(cancellationToken));

    private static ClientView View(RegisteredClient client, IEnumerable<RegisteredCertificate> certificates) => new(
        client.ClientId,
        client.Kind,
        client.Jurisdiction,
        Utc(client.RegisteredAt),
        client.RevokedAt is { } at ? Utc(at) : null,
        client.RevocationReason,
        certificates.OrderBy(c => c.RegisteredAt).Select(View).ToList());

    private static CertificateView View(RegisteredCertificate certificate) => new(
        certificate.Thumbprint,
        certificate.Sha1Thumbprint,
        certificate.ClientId,
        certificate.Jurisdiction,
        certificate.Subject,
        Utc(certificate.NotBefore),
        Utc(certificate.NotAfter),
        Utc(certificate.RegisteredAt),
        certificate.RevokedAt is { } at ? Utc(at) : null,
        certificate.RevocationReason);

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}

/// <summary>A registered client and its certificates.</summary>
public sealed record ClientView(
    string ClientId,
    ClientKind Kind,
    string? Jurisdiction,
    DateTimeOffset RegisteredAt,
    DateTimeOffset? RevokedAt,
    string? RevocationReason,
    IReadOnlyList<CertificateView> Certificates);

/// <summary>A registered node certificate.</summary>
public sealed record CertificateView(
    string Thumbprint,
    string Sha1Thumbprint,
    string ClientId,
    string Jurisdiction,
    string Subject,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    DateTimeOffset RegisteredAt,
    DateTimeOffset? RevokedAt,
    string? RevocationReason);
