using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Federation.Sdk.Transparency;
using Federation.Sdk.Trust;

namespace Federation.Gateway.Tests;

/// <summary>A throw-away federation for one test: root CA, gateway TLS certificate and node certificates, in a temp folder.</summary>
internal sealed class TestFederation : IDisposable
{
    private readonly ConcurrentDictionary<string, X509Certificate2> _nodes = new();

    public TestFederation()
    {
        Directory = Path.Combine(Path.GetTempPath(), "federation-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Authority = FederationCertificateAuthority.Create("Test Federation Root");
        RootPem = Path.Combine(Directory, "root.pem");
        CertificateFiles.SavePem(Authority.Certificate, RootPem);
        using var tls = Authority.IssueGatewayCertificate(["localhost"], [IPAddress.Loopback]);
        GatewayCertificatePem = Path.Combine(Directory, "tls.pem");
        GatewayKeyPem = Path.Combine(Directory, "tls.key");
        CertificateFiles.SavePem(tls, GatewayCertificatePem, GatewayKeyPem);
        LogKey = LogSigningKey.Create(LogOrigin);
        LogKeyPem = Path.Combine(Directory, "log.key");
        LogKey.Save(LogKeyPem, Path.Combine(Directory, "log.pub"));
        using var signing = Authority.IssueGatewaySigningCertificate("Test Gateway Signer");
        GatewaySigningCertificatePem = Path.Combine(Directory, "signing.pem");
        GatewaySigningKeyPem = Path.Combine(Directory, "signing.key");
        CertificateFiles.SavePem(signing, GatewaySigningCertificatePem, GatewaySigningKeyPem);
    }

    public const string LogOrigin = "test.federation/log";

    /// <summary>The transparency log key the gateway signs checkpoints with.</summary>
    public LogSigningKey LogKey { get; }

    public string LogKeyPem { get; }

    public LogVerifierKey LogVerifierKey => LogKey.VerifierKey;

    /// <summary>The gateway's signing certificate (receipts, access tokens).</summary>
    public string GatewaySigningCertificatePem { get; }

    public string GatewaySigningKeyPem { get; }

    public string Directory { get; }

    public FederationCertificateAuthority Authority { get; }

    public string RootPem { get; }

    public string GatewayCertificatePem { get; }

    public string GatewayKeyPem { get; }

    public FederationTrust Trust => FederationTrust.FromPemFile(RootPem);

    /// <summary>The node certificate (with key) of a jurisdiction, issued once per test federation.</summary>
    public X509Certificate2 Node(string jurisdiction) =>
        _nodes.GetOrAdd(jurisdiction, j => Authority.IssueNodeCertificate(j, $"node-{j.ToLowerInvariant()}"));

    public void Dispose()
    {
        foreach (var node in _nodes.Values)
        {
            node.Dispose();
        }

        Authority.Dispose();
        LogKey.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment on a slow machine; the temp folder is cleaned by the OS.
        }
    }
}
