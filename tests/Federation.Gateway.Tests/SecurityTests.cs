using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Federation.Contracts.V1;
using Federation.Sdk.Client;
using Federation.Sdk.Identity;
using Federation.Sdk.Trust;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Gateway.Tests;

/// <summary>
/// The identity and access protections, one test each; every test fails if its protection is removed. (Tampered
/// payloads and signatures, certificates of another root, another province's data and oversized messages are also
/// covered in <see cref="SubmitTests"/>.)
/// </summary>
public sealed class SecurityTests
{
    private static readonly int LastYear = DateTime.UtcNow.Year - 1;
    private static readonly QueryRequest s_query = new() { DatasetId = "trafficking.victims.v1" };

    [Fact]
    public async Task A_call_without_a_token_is_unauthenticated()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var channel = GatewayChannel.Create(gateway.Address, gateway.Federation.Trust);

        var query = await Assert.ThrowsAsync<RpcException>(async () => await new QueryService.QueryServiceClient(channel).QueryAsync(s_query));
        var submit = await Assert.ThrowsAsync<RpcException>(async () => await new SubmissionService.SubmissionServiceClient(channel).SubmitAsync(
            new SubmitRequest { Envelope = TestSubmissions.Sign(TestSubmissions.Complete("ON", LastYear), gateway.Federation.Node("ON")) }));

        Assert.Equal(StatusCode.Unauthenticated, query.StatusCode);
        Assert.Contains("No access token", query.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.Unauthenticated, submit.StatusCode);
    }

    [Fact]
    public async Task A_token_reissued_unchanged_with_the_gateway_key_is_accepted()
    {
        // The control for the three tests below: the re-signing itself is not what they refuse.
        await using var gateway = await GatewayFixture.StartAsync();
        var token = AccessTokens.ReissueAsGateway(gateway, await gateway.Analyst.GetAccessTokenAsync());

        var response = await QueryWithTokenAsync(gateway, token);

        Assert.Equal("T0", response.TableId);
    }

    [Fact]
    public async Task An_expired_token_is_unauthenticated()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var token = AccessTokens.ReissueAsGateway(gateway, await gateway.Analyst.GetAccessTokenAsync(), claims =>
        {
            claims["iat"] = AccessTokens.UnixTime(now.AddHours(-2));
            claims["nbf"] = AccessTokens.UnixTime(now.AddHours(-2));
            claims["exp"] = AccessTokens.UnixTime(now.AddHours(-1));
        });

        var refusal = await Assert.ThrowsAsync<RpcException>(() => QueryWithTokenAsync(gateway, token));

        Assert.Equal(StatusCode.Unauthenticated, refusal.StatusCode);
        Assert.Contains("refused", refusal.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_for_another_audience_is_unauthenticated()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var token = AccessTokens.ReissueAsGateway(gateway, await gateway.Analyst.GetAccessTokenAsync(), claims => claims["aud"] = "some-other-api");

        var refusal = await Assert.ThrowsAsync<RpcException>(() => QueryWithTokenAsync(gateway, token));

        Assert.Equal(StatusCode.Unauthenticated, refusal.StatusCode);
    }

    [Fact]
    public async Task A_token_signed_by_another_key_is_unauthenticated()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var signing = CertificateFiles.LoadCertificate(gateway.Federation.GatewaySigningCertificatePem);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var token = AccessTokens.Reissue(await gateway.Analyst.GetAccessTokenAsync(), otherKey, GatewayCredentials.KeyIdOf(signing));

        var refusal = await Assert.ThrowsAsync<RpcException>(() => QueryWithTokenAsync(gateway, token));

        Assert.Equal(StatusCode.Unauthenticated, refusal.StatusCode);
    }

    [Fact]
    public async Task An_analyst_token_calling_Submit_is_permission_denied()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.NodeTokensAsync("ON");
        var envelope = TestSubmissions.Sign(TestSubmissions.Complete("ON", LastYear), gateway.Federation.Node("ON"));

        var refusal = await Assert.ThrowsAsync<RpcException>(async () => await gateway.Submissions.SubmitAsync(
            new SubmitRequest { Envelope = envelope }, headers: await GatewayFixture.BearerAsync(gateway.Analyst)));

        Assert.Equal(StatusCode.PermissionDenied, refusal.StatusCode);
        Assert.Contains("federation.submit", refusal.Status.Detail, StringComparison.Ordinal);
        await AssertNothingStoredAsync(gateway);
    }

    [Fact]
    public async Task A_node_token_calling_an_admin_method_is_permission_denied()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var channel = gateway.ChannelFor(await gateway.NodeTokensAsync("ON"));

        var refusal = await Assert.ThrowsAsync<RpcException>(async () =>
            await new AdminService.AdminServiceClient(channel).ListAuditEntriesAsync(new ListAuditEntriesRequest()));

        Assert.Equal(StatusCode.PermissionDenied, refusal.StatusCode);
        Assert.Contains("federation.admin", refusal.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_token_cannot_query()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var channel = gateway.ChannelFor(await gateway.NodeTokensAsync("ON"));

        var refusal = await Assert.ThrowsAsync<RpcException>(async () => await new QueryService.QueryServiceClient(channel).QueryAsync(s_query));

        Assert.Equal(StatusCode.PermissionDenied, refusal.StatusCode);
    }

    [Fact]
    public async Task A_node_submitting_another_provinces_data_with_its_own_token_and_key_is_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var ontario = await gateway.NodeTokensAsync("ON");
        var envelope = TestSubmissions.Sign(TestSubmissions.Complete("QC", LastYear), gateway.Federation.Node("ON"));

        var refusal = await RefusalAssert.RefusedAsync(StatusCode.PermissionDenied, "submission.jurisdiction", async () =>
            await gateway.Submissions.SubmitAsync(new SubmitRequest { Envelope = envelope }, headers: await GatewayFixture.BearerAsync(ontario)));

        Assert.Contains("'QC'", refusal.Status.Detail, StringComparison.Ordinal);
        await AssertNothingStoredAsync(gateway);
    }

    [Fact]
    public async Task An_envelope_replayed_by_another_node_is_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var envelope = TestSubmissions.Sign(TestSubmissions.Complete("ON", LastYear), gateway.Federation.Node("ON"));
        var novaScotia = await gateway.NodeTokensAsync("NS");

        var refusal = await RefusalAssert.RefusedAsync(StatusCode.PermissionDenied, "envelope.signature", async () =>
            await gateway.Submissions.SubmitAsync(new SubmitRequest { Envelope = envelope }, headers: await GatewayFixture.BearerAsync(novaScotia)));

        Assert.Contains("'NS'", refusal.Status.Detail, StringComparison.Ordinal);
        await AssertNothingStoredAsync(gateway);
    }

    [Fact]
    public async Task An_envelope_signed_by_another_node_of_the_same_province_is_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var second = gateway.Federation.Authority.IssueNodeCertificate("ON", "node-on-backup");
        await gateway.WithRegistryAsync(r => r.RegisterNodeAsync(second, CancellationToken.None));
        var envelope = TestSubmissions.Sign(TestSubmissions.Complete("ON", LastYear), second);

        var refusal = await RefusalAssert.RefusedAsync(StatusCode.PermissionDenied, "envelope.signature", () => gateway.SubmitAsync(envelope));

        Assert.Contains("node-on-backup", refusal.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signature_by_a_key_other_than_the_certificates_is_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.NodeTokensAsync("ON");
        var bytes = TestSubmissions.Complete("ON", LastYear).ToByteArray();
        var genuine = gateway.Federation.Node("ON");
        // A second certificate with the same issuer and serial number but another key: the CMS names the genuine
        // certificate as signer while the signature comes from the other key.
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(genuine.SubjectName, otherKey, HashAlgorithmName.SHA256);
        using var twin = request.Create(gateway.Federation.Authority.Certificate, genuine.NotBefore, genuine.NotAfter, genuine.SerialNumberBytes.ToArray());
        using var twinWithKey = twin.CopyWithPrivateKey(otherKey);
        var cms = new SignedCms(new ContentInfo(bytes), detached: true);
        cms.ComputeSignature(new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, twinWithKey) { IncludeOption = X509IncludeOption.None }, silent: true);
        cms.AddCertificate(genuine);
        var envelope = new SignedEnvelope { Submission = ByteString.CopyFrom(bytes), Signature = ByteString.CopyFrom(cms.Encode()) };

        var refusal = await RefusalAssert.RefusedAsync(StatusCode.InvalidArgument, "envelope.signature", () => gateway.SubmitAsync(envelope));

        Assert.Contains("another key", refusal.Status.Detail, StringComparison.Ordinal);
        await AssertNothingStoredAsync(gateway);
    }

    [Fact]
    public async Task A_client_assertion_used_twice_is_refused()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.NodeTokensAsync("ON");
        var certificate = gateway.Federation.Node("ON");
        using var key = certificate.GetECDsaPrivateKey()!;
        var assertion = ClientAssertion.Create(GatewayFixture.NodeId("ON"), gateway.Address, key, GatewayCredentials.KeyIdOf(certificate), DateTimeOffset.UtcNow);
        using var http = TokenHttpClient(gateway);

        var first = await RequestTokenAsync(http, gateway, assertion);
        var second = await RequestTokenAsync(http, gateway, assertion);

        Assert.True(first.IsSuccessStatusCode, await first.Content.ReadAsStringAsync());
        Assert.False(second.IsSuccessStatusCode);
        var body = await second.Content.ReadAsStringAsync();
        Assert.Contains("invalid_client", body, StringComparison.Ordinal);
        Assert.Contains("already used", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_assertion_signed_by_a_key_of_another_root_gets_no_token()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        await gateway.NodeTokensAsync("ON");
        using var otherRoot = FederationCertificateAuthority.Create("Somebody Else's Root");
        using var impostor = otherRoot.IssueNodeCertificate("ON", GatewayFixture.NodeId("ON"));
        using var tokens = gateway.TokensFor(GatewayCredentials.ForNode(GatewayFixture.NodeId("ON"), impostor));

        var refusal = await Assert.ThrowsAsync<GatewayAuthenticationException>(() => tokens.GetAccessTokenAsync());

        Assert.Equal("invalid_client", refusal.Error);
    }

    [Fact]
    public async Task A_certificate_of_another_root_cannot_be_registered()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var otherRoot = FederationCertificateAuthority.Create("Somebody Else's Root");
        using var impostor = otherRoot.IssueNodeCertificate("ON", "node-on");
        using var admin = gateway.TokensFor(GatewayFixture.AdminCredentials);
        using var channel = gateway.ChannelFor(admin);

        await RefusalAssert.RefusedAsync(StatusCode.PermissionDenied, "certificate_pem", async () =>
            await new AdminService.AdminServiceClient(channel).RegisterNodeAsync(new RegisterNodeRequest { CertificatePem = impostor.ExportCertificatePem() }));
    }

    [Fact]
    public async Task Plain_http_to_a_gateway_that_requires_tls_gets_nothing()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var plain = new UriBuilder(gateway.Address) { Scheme = Uri.UriSchemeHttp }.Uri;
        using var channel = GatewayChannel.Create(plain, trust: null);
        using var tokens = new GatewayTokenProvider(plain, GatewayFixture.AnalystCredentials, trust: null);

        var call = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Grpc.Health.V1.Health.HealthClient(channel).CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10)));
        var token = await Assert.ThrowsAsync<GatewayAuthenticationException>(() => tokens.GetAccessTokenAsync());

        // The TLS listener does not speak cleartext HTTP/2: the connection fails before any gRPC exchange.
        Assert.True(call.StatusCode is StatusCode.Unavailable or StatusCode.Internal, call.ToString());
        Assert.True(token.IsTransient, token.Message);
    }

    [Fact]
    public async Task Repeated_failed_authentication_from_one_client_is_slowed_down_and_a_success_resets_it()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        var throttle = gateway.App.Services.GetRequiredService<Identity.AuthenticationThrottle>();
        using var wrong = gateway.TokensFor(GatewayCredentials.ForSecret(GatewayFixture.AnalystId, "not-the-secret", FederationScopes.Query));

        for (var attempt = 1; attempt <= Identity.AuthenticationThrottle.FreeFailures + 1; attempt++)
        {
            var refusal = await Assert.ThrowsAsync<GatewayAuthenticationException>(() => wrong.GetAccessTokenAsync());
            Assert.Equal("invalid_client", refusal.Error);
        }

        Assert.Equal(Identity.AuthenticationThrottle.FirstDelay, throttle.DelayFor(GatewayFixture.AnalystId));
        Assert.Equal(TimeSpan.Zero, throttle.DelayFor("someone-else"));

        using var right = gateway.TokensFor(GatewayFixture.AnalystCredentials);
        await right.GetAccessTokenAsync();
        Assert.Equal(TimeSpan.Zero, throttle.DelayFor(GatewayFixture.AnalystId));
    }

    private static async Task<QueryResponse> QueryWithTokenAsync(GatewayFixture gateway, string token) =>
        await new QueryService.QueryServiceClient(gateway.AnonymousChannel).QueryAsync(
            s_query,
            headers: new Metadata { { "Authorization", "Bearer " + token } },
            deadline: DateTime.UtcNow.AddSeconds(30));

    internal static HttpClient TokenHttpClient(GatewayFixture gateway) => new(new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, c, chain, errors) => gateway.Federation.Trust.ValidateServerCertificate(c, chain, errors) },
    });

    internal static Task<HttpResponseMessage> RequestTokenAsync(HttpClient http, GatewayFixture gateway, string assertion) =>
        http.PostAsync(new Uri(gateway.Address, FederationScopes.TokenEndpointPath), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_assertion_type"] = ClientAssertion.AssertionType,
            ["client_assertion"] = assertion,
            ["scope"] = FederationScopes.Submit,
        }));

    private static async Task AssertNothingStoredAsync(GatewayFixture gateway)
    {
        var store = gateway.App.Services.GetRequiredService<Federation.Gateway.Storage.ILogStore>();
        Assert.Equal(0, await store.GetTreeSizeAsync(CancellationToken.None));
    }
}
