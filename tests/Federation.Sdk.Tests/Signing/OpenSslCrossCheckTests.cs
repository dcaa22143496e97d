using Federation.Sdk.Signing;
using Federation.Sdk.Tests.Trust;
using Federation.Sdk.Trust;

namespace Federation.Sdk.Tests.Signing;

/// <summary>Our CMS output checked by OpenSSL, and OpenSSL's CMS output checked by us.</summary>
public sealed class OpenSslCrossCheckTests : IDisposable
{
    private static readonly byte[] s_submission = "\n\x16trafficking.victims.v1\x12\x02NS\x18\xe9\x0f"u8.ToArray();

    private readonly TemporaryDirectory _directory = new();
    private readonly FederationCertificateAuthority _federation = FederationCertificateAuthority.Create("Federation Root");

    public OpenSslCrossCheckTests()
    {
        _federation.SaveTo(_directory.PathOf("root.pem"), _directory.PathOf("root.key"));
        File.WriteAllBytes(_directory.PathOf("submission.bin"), s_submission);
    }

    public void Dispose()
    {
        _federation.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task OpenSSL_verifies_our_signature_and_its_chain_to_the_federation_root()
    {
        using var node = _federation.IssueNodeCertificate("NS", "node-ns");
        File.WriteAllBytes(_directory.PathOf("signature.der"), SubmissionSigner.Sign(s_submission, node, DateTimeOffset.UtcNow));

        var result = await VerifyWithOpenSslAsync("submission.bin");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Verification successful", result.Error, StringComparison.Ordinal);
        Assert.Equal(s_submission, File.ReadAllBytes(_directory.PathOf("verified.bin")));
    }

    [Fact]
    public async Task OpenSSL_refuses_our_signature_over_altered_bytes()
    {
        using var node = _federation.IssueNodeCertificate("NS", "node-ns");
        File.WriteAllBytes(_directory.PathOf("signature.der"), SubmissionSigner.Sign(s_submission, node, DateTimeOffset.UtcNow));
        var altered = s_submission.ToArray();
        altered[0] ^= 0x01;
        File.WriteAllBytes(_directory.PathOf("altered.bin"), altered);

        var result = await VerifyWithOpenSslAsync("altered.bin");

        Assert.NotEqual(0, result.ExitCode);
    }

    [Fact]
    public async Task Our_verifier_accepts_a_detached_signature_made_by_OpenSSL_with_a_node_key()
    {
        using var node = _federation.IssueNodeCertificate("NS", "node-ns");
        CertificateFiles.SavePem(node, _directory.PathOf("node.pem"), _directory.PathOf("node.key"));

        var signed = await OpenSsl.RunAsync(_directory.Path,
            "cms", "-sign", "-binary", "-md", "sha256", "-outform", "DER",
            "-in", "submission.bin", "-signer", "node.pem", "-inkey", "node.key", "-out", "openssl-signature.der");
        Assert.True(signed.ExitCode == 0, signed.ToString());
        var verifier = new SubmissionVerifier(new FederationTrust([_federation.Certificate]), TimeProvider.System);

        var result = verifier.Verify(s_submission, File.ReadAllBytes(_directory.PathOf("openssl-signature.der")));

        Assert.True(result.IsValid, result.Message);
        Assert.Equal("NS", result.Jurisdiction);
        Assert.NotNull(result.SigningTime);
    }

    private Task<OpenSsl.Result> VerifyWithOpenSslAsync(string contentFile) =>
        OpenSsl.RunAsync(_directory.Path,
            "cms", "-verify", "-binary", "-inform", "DER", "-in", "signature.der", "-content", contentFile,
            "-CAfile", "root.pem", "-purpose", "any", "-out", "verified.bin");
}
