using Microsoft.EntityFrameworkCore;

namespace Federation.Gateway.Identity;

/// <summary>
/// The identity store (EF Core, SQLite by default): OpenIddict's applications, plus the federation's registry of
/// clients and node certificates and the client assertions already used.
/// </summary>
public sealed class FederationIdentityDbContext(DbContextOptions<FederationIdentityDbContext> options) : DbContext(options)
{
    internal DbSet<RegisteredClient> Clients => Set<RegisteredClient>();

    internal DbSet<RegisteredCertificate> Certificates => Set<RegisteredCertificate>();

    internal DbSet<UsedClientAssertion> UsedAssertions => Set<UsedClientAssertion>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOpenIddict();
        modelBuilder.Entity<RegisteredClient>(client =>
        {
            client.ToTable("FederationClients");
            client.HasKey(c => c.ClientId);
        });
        modelBuilder.Entity<RegisteredCertificate>(certificate =>
        {
            certificate.ToTable("FederationNodeCertificates");
            certificate.HasKey(c => c.Thumbprint);
            certificate.HasIndex(c => c.ClientId);
            certificate.HasIndex(c => c.Sha1Thumbprint);
        });
        modelBuilder.Entity<UsedClientAssertion>(assertion =>
        {
            assertion.ToTable("FederationUsedClientAssertions");
            assertion.HasKey(a => new { a.ClientId, a.JwtId });
            assertion.HasIndex(a => a.ExpiresAt);
        });
    }
}

/// <summary>A client of the federation: a node, an analyst, a referral desk, a province client or an administrator.</summary>
internal sealed class RegisteredClient
{
    public required string ClientId { get; set; }

    public required ClientKind Kind { get; set; }

    /// <summary>Nodes and province clients: the one jurisdiction their tokens are bound to.</summary>
    public string? Jurisdiction { get; set; }

    public DateTime RegisteredAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    public string? RevocationReason { get; set; }
}

/// <summary>A node certificate registered for a node client; its public key is the client's JWK while it is not revoked.</summary>
internal sealed class RegisteredCertificate
{
    /// <summary>Lower-case hex SHA-256 of the DER certificate, also the key id.</summary>
    public required string Thumbprint { get; set; }

    /// <summary>Upper-case hex SHA-1, as the submission store records signers.</summary>
    public required string Sha1Thumbprint { get; set; }

    public required string ClientId { get; set; }

    public required string Jurisdiction { get; set; }

    public required string Subject { get; set; }

    public DateTime NotBefore { get; set; }

    public DateTime NotAfter { get; set; }

    public DateTime RegisteredAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    public string? RevocationReason { get; set; }

    public required string CertificatePem { get; set; }
}

/// <summary>A client assertion's jti, kept until the assertion expires so it cannot be used twice.</summary>
internal sealed class UsedClientAssertion
{
    public required string ClientId { get; set; }

    public required string JwtId { get; set; }

    public DateTime ExpiresAt { get; set; }
}

/// <summary>What a client is, which decides how it authenticates and what it may ask for.</summary>
public enum ClientKind
{
    Node = 1,
    Analyst = 2,
    Admin = 3,
    Referral = 4,

    /// <summary>A province or territory reading its own jurisdiction's figures (federation.province, bound to <see cref="RegisteredClient.Jurisdiction"/>).</summary>
    Province = 5,
}
