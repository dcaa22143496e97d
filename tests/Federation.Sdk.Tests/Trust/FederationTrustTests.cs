using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Federation.Sdk.Trust;

namespace Federation.Sdk.Tests.Trust;

public sealed class FederationTrustTests
{
    [Fact]
    public void Certificate_of_another_root_is_refused()
    {
        using var federation = FederationCertificateAuthority.Create("Federation Root");
        using var other = FederationCertificateAuthority.Create("Other Root");
        using var node = other.IssueNodeCertificate("ON", "node-on");
        var trust = new FederationTrust([federation.Certificate]);

        var check = trust.Validate(node, DateTimeOffset.UtcNow);

        Assert.False(check.IsTrusted);
        Assert.Contains("does not chain to the federation root", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_of_an_impostor_root_with_the_same_name_is_refused()
    {
        using var federation = FederationCertificateAuthority.Create("Federation Root");
        using var impostor = FederationCertificateAuthority.Create("Federation Root");
        using var node = impostor.IssueNodeCertificate("ON", "node-on");

        var check = new FederationTrust([federation.Certificate]).Validate(node, DateTimeOffset.UtcNow);

        Assert.False(check.IsTrusted, check.Message);
    }

    [Fact]
    public void Expired_certificate_is_refused_with_its_validity_period()
    {
        var issuedAt = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var federation = FederationCertificateAuthority.Create("Federation Root", new FixedTimeProvider(issuedAt));
        using var node = federation.IssueNodeCertificate("ON", "node-on", TimeSpan.FromDays(30));

        var check = new FederationTrust([federation.Certificate]).Validate(node, issuedAt.AddDays(31));

        Assert.False(check.IsTrusted);
        Assert.True(check.Status.HasFlag(X509ChainStatusFlags.NotTimeValid), check.Status.ToString());
        Assert.Contains("is not valid at 2024-02-01", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_root_itself_is_not_accepted_as_a_node_or_gateway()
    {
        using var federation = FederationCertificateAuthority.Create("Federation Root");

        var check = new FederationTrust([federation.Certificate]).Validate(federation.Certificate, DateTimeOffset.UtcNow);

        Assert.False(check.IsTrusted);
        Assert.Contains("is a certificate authority", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_of_several_roots_is_trusted()
    {
        using var current = FederationCertificateAuthority.Create("Federation Root 2025");
        using var next = FederationCertificateAuthority.Create("Federation Root 2035");
        using var node = next.IssueNodeCertificate("BC", "node-bc");

        var check = new FederationTrust([current.Certificate, next.Certificate]).Validate(node, DateTimeOffset.UtcNow);

        Assert.True(check.IsTrusted, check.Message);
    }

    [Fact]
    public void Server_certificate_callback_accepts_the_gateway_despite_the_operating_system_not_knowing_the_root()
    {
        using var federation = FederationCertificateAuthority.Create("Federation Root");
        using var gateway = federation.IssueGatewayCertificate(["localhost"], [IPAddress.Loopback]);
        var trust = new FederationTrust([federation.Certificate]);

        Assert.True(trust.ValidateServerCertificate(gateway, chain: null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void Server_certificate_callback_refuses_another_roots_gateway()
    {
        using var federation = FederationCertificateAuthority.Create("Federation Root");
        using var other = FederationCertificateAuthority.Create("Other Root");
        using var gateway = other.IssueGatewayCertificate(["localhost"], [IPAddress.Loopback]);

        Assert.False(new FederationTrust([federation.Certificate]).ValidateServerCertificate(gateway, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void Server_certificate_callback_refuses_a_name_mismatch_and_a_missing_certificate()
    {
        using var federation = FederationCertificateAuthority.Create("Federation Root");
        using var gateway = federation.IssueGatewayCertificate(["gateway.example"], []);
        var trust = new FederationTrust([federation.Certificate]);

        Assert.False(trust.ValidateServerCertificate(gateway, null, SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(trust.ValidateServerCertificate(null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }

    [Fact]
    public void Server_certificate_callback_refuses_a_node_certificate_presented_as_a_server()
    {
        using var federation = FederationCertificateAuthority.Create("Federation Root");
        using var node = federation.IssueNodeCertificate("ON", "localhost");

        Assert.False(new FederationTrust([federation.Certificate]).ValidateServerCertificate(node, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public async Task TLS_client_using_the_federation_trust_connects_to_a_gateway_certificate_over_loopback()
    {
        using var federation = FederationCertificateAuthority.Create("Federation Root");
        using var issued = federation.IssueGatewayCertificate(["localhost"], [IPAddress.Loopback]);
        using var serverCertificate = CertificateFiles.ForTlsServer(issued);
        var trust = new FederationTrust([federation.Certificate]);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var server = Task.Run(async () =>
        {
            using var accepted = await listener.AcceptTcpClientAsync(timeout.Token);
            await using var tls = new SslStream(accepted.GetStream());
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = serverCertificate }, timeout.Token);
            await tls.WriteAsync(new byte[] { 42 }, timeout.Token);
        });
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        await using var clientTls = new SslStream(client.GetStream());
        await clientTls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions { TargetHost = "localhost", RemoteCertificateValidationCallback = (_, c, ch, e) => trust.ValidateServerCertificate(c, ch, e) },
            timeout.Token);
        var received = new byte[1];
        await clientTls.ReadExactlyAsync(received, timeout.Token);
        await server;

        Assert.Equal(42, received[0]);
    }

    [Fact]
    public void A_chain_trusted_once_is_refused_outside_its_certificates_validity()
    {
        var issuedAt = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var federation = FederationCertificateAuthority.Create("Federation Root", new FixedTimeProvider(issuedAt));
        using var node = federation.IssueNodeCertificate("ON", "node-on", TimeSpan.FromDays(30));
        var trust = new FederationTrust([federation.Certificate]);

        Assert.True(trust.Validate(node, issuedAt.AddDays(1)).IsTrusted);
        var expired = trust.Validate(node, issuedAt.AddDays(31));
        var early = trust.Validate(node, issuedAt.AddDays(-2));

        Assert.False(expired.IsTrusted);
        Assert.True(expired.Status.HasFlag(X509ChainStatusFlags.NotTimeValid), expired.Status.ToString());
        Assert.False(early.IsTrusted);
        Assert.True(trust.Validate(node, issuedAt.AddDays(2)).IsTrusted);
    }

    [Fact]
    public void A_chain_trusted_once_does_not_vouch_for_another_certificate_with_the_same_names()
    {
        using var federation = FederationCertificateAuthority.Create("Federation Root");
        using var impostor = FederationCertificateAuthority.Create("Federation Root");
        using var node = federation.IssueNodeCertificate("ON", "node-on");
        using var forged = impostor.IssueNodeCertificate("ON", "node-on");
        var trust = new FederationTrust([federation.Certificate]);

        Assert.True(trust.Validate(node, DateTimeOffset.UtcNow).IsTrusted);
        Assert.False(trust.Validate(forged, DateTimeOffset.UtcNow).IsTrusted);
        Assert.True(trust.Validate(node, DateTimeOffset.UtcNow).IsTrusted);
    }
}
