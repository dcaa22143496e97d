using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Federation.Contracts.V1;
using Federation.Gateway.Identity;
using Federation.Sdk.Client;
using Federation.Sdk.Identity;
using Federation.Sdk.Trust;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Federation.Gateway.Tests;

/// <summary>
/// The token server on its own host: the gateway accepts its tokens and only its tokens, the token server keeps its
/// protections (single-use client assertions, throttling, revocation), and a node whose token server is down is told so.
/// </summary>
public sealed class StandaloneTokenServerTests(StandaloneTokenServerFixture fixture) : IClassFixture<StandaloneTokenServerFixture>
{
    private static readonly int LastYear = DateTime.UtcNow.Year - 1;
    private static readonly QueryRequest s_query = new() { DatasetId = "trafficking.victims.v1" };

    [Fact]
    public async Task A_node_token_from_the_standalone_token_server_is_accepted_for_Submit()
    {
        var tokens = await fixture.NodeTokensAsync("ON");
        var submissions = new SubmissionService.SubmissionServiceClient(fixture.GatewayChannelFor(tokens));

        var response = await submissions.SubmitAsync(
            new SubmitRequest { Envelope = TestSubmissions.Sign(TestSubmissions.Complete("ON", LastYear), fixture.Federation.Node("ON")) },
            deadline: DateTime.UtcNow.AddSeconds(30));

        Assert.Equal("ON", response.Receipt.Jurisdiction);
        Assert.Equal(fixture.Issuer.AbsoluteUri, new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(await tokens.GetAccessTokenAsync()).Issuer);
    }

    [Fact]
    public async Task An_analyst_token_from_the_standalone_token_server_is_accepted_for_Query()
    {
        var queries = new QueryService.QueryServiceClient(fixture.GatewayChannelFor(fixture.Analyst));

        var response = await queries.QueryAsync(s_query, deadline: DateTime.UtcNow.AddSeconds(30));

        Assert.Equal("T0", response.TableId);
    }

    [Fact]
    public async Task A_token_reissued_unchanged_with_the_token_server_key_is_accepted()
    {
        // The control for the refusals below: re-signing is not what they refuse.
        var token = Reissue(await fixture.Analyst.GetAccessTokenAsync(), fixture.TokenSigningCertificatePem, fixture.TokenSigningKeyPem);

        var response = await QueryAsync(token);

        Assert.Equal("T0", response.TableId);
    }

    [Fact]
    public async Task A_token_from_the_gateway_hosted_token_server_of_another_deployment_is_unauthenticated()
    {
        // Another federation's gateway, hosting its own token server, with an analyst of the same client id.
        await using var other = await GatewayFixture.StartAsync();
        var token = await other.Analyst.GetAccessTokenAsync();

        var refused = await Assert.ThrowsAsync<RpcException>(() => QueryAsync(token));

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("The access token was refused", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_of_the_expected_issuer_signed_by_another_key_is_unauthenticated()
    {
        var genuine = await fixture.Analyst.GetAccessTokenAsync();
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var tokenSigner = CertificateFiles.LoadCertificate(fixture.TokenSigningCertificatePem);

        // Same key id as the real key, so the key is found and the signature itself is what fails.
        var forged = AccessTokens.Reissue(genuine, otherKey, GatewayCredentials.KeyIdOf(tokenSigner));
        // The gateway's own signing certificate is from the same federation but signs receipts, not tokens.
        var signedByGateway = Reissue(genuine, fixture.Federation.GatewaySigningCertificatePem, fixture.Federation.GatewaySigningKeyPem);

        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => QueryAsync(forged))).StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => QueryAsync(signedByGateway))).StatusCode);
    }

    [Fact]
    public async Task A_token_signed_with_the_token_server_key_but_naming_another_issuer_is_unauthenticated()
    {
        var token = Reissue(await fixture.Analyst.GetAccessTokenAsync(), fixture.TokenSigningCertificatePem, fixture.TokenSigningKeyPem,
            claims => claims["iss"] = "https://127.0.0.1:1/");

        var refused = await Assert.ThrowsAsync<RpcException>(() => QueryAsync(token));

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
    }

    [Fact]
    public async Task The_gateway_with_an_external_token_server_hosts_no_token_endpoint()
    {
        using var http = HttpTo(fixture.Gateway.Address);

        using var response = await http.PostAsync(
            new Uri(fixture.Gateway.Address, FederationScopes.TokenEndpointPath),
            new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = GatewayFixture.AnalystId,
                ["client_secret"] = StandaloneTokenServerFixture.AnalystSecret,
            }));

        // Nothing there answers OAuth: the call is refused like any other call without a token.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("access_token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_gateway_keeps_no_secret_for_a_client_registered_there_when_tokens_come_from_elsewhere()
    {
        var response = await fixture.GatewayAdmin.RegisterClientAsync(new RegisterClientRequest { ClientId = "analyst-recorded-only", Role = ClientRole.Analyst });

        Assert.Equal("analyst-recorded-only", response.Client.ClientId);
        Assert.Empty(response.ClientSecret);
    }

    [Fact]
    public async Task The_token_server_publishes_its_issuer_and_signing_key_over_tls()
    {
        using var http = HttpTo(fixture.Issuer);
        using var tokenSigner = CertificateFiles.LoadCertificate(fixture.TokenSigningCertificatePem);

        var discovery = JsonDocument.Parse(await http.GetStringAsync(new Uri(fixture.Issuer, ".well-known/openid-configuration"))).RootElement;
        var keys = JsonDocument.Parse(await http.GetStringAsync(new Uri(discovery.GetProperty("jwks_uri").GetString()!))).RootElement;

        Assert.Equal(fixture.Issuer.AbsoluteUri, discovery.GetProperty("issuer").GetString());
        Assert.Equal(new Uri(fixture.Issuer, FederationScopes.TokenEndpointPath).AbsoluteUri, discovery.GetProperty("token_endpoint").GetString());
        Assert.Contains(keys.GetProperty("keys").EnumerateArray(), k => k.GetProperty("kid").GetString() == GatewayCredentials.KeyIdOf(tokenSigner));
    }

    [Fact]
    public async Task A_client_assertion_used_twice_is_refused_at_the_standalone_token_server()
    {
        await fixture.NodeTokensAsync("QC");
        var node = fixture.Federation.Node("QC");
        using var key = node.GetECDsaPrivateKey()!;
        var assertion = ClientAssertion.Create(GatewayFixture.NodeId("QC"), fixture.Issuer, key, GatewayCredentials.KeyIdOf(node), DateTimeOffset.UtcNow);
        using var http = HttpTo(fixture.Issuer);

        using var first = await RequestTokenAsync(http, assertion);
        using var replay = await RequestTokenAsync(http, assertion);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        var error = JsonDocument.Parse(await replay.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("invalid_client", error.GetProperty("error").GetString());
        Assert.Contains("already used", error.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repeated_failed_authentication_at_the_standalone_token_server_is_slowed_down_and_audited()
    {
        const string guesser = "guessing-client";
        using var tokens = fixture.TokensFor(GatewayCredentials.ForSecret(guesser, "wrong-secret", FederationScopes.Query));
        for (var attempt = 0; attempt <= AuthenticationThrottle.FreeFailures; attempt++)
        {
            tokens.Invalidate();
            var refused = await Assert.ThrowsAsync<GatewayAuthenticationException>(() => tokens.GetAccessTokenAsync());
            Assert.Equal("invalid_client", refused.Error);
        }

        var throttle = fixture.TokenServer.Services.GetRequiredService<AuthenticationThrottle>();
        var audit = await fixture.TokenServerAdmin.ListAuditEntriesAsync(new ListAuditEntriesRequest { ClientId = guesser, RefusalsOnly = true });

        Assert.True(throttle.DelayFor(guesser) > TimeSpan.Zero);
        Assert.Equal(AuthenticationThrottle.FreeFailures + 1, audit.Entries.Count);
        Assert.All(audit.Entries, e => Assert.Equal("POST /" + FederationScopes.TokenEndpointPath, e.Method));
    }

    [Fact]
    public async Task A_node_revoked_at_both_hosts_gets_no_new_token_and_its_current_token_is_refused_at_once()
    {
        var tokens = await fixture.NodeTokensAsync("MB");
        var issued = await tokens.GetAccessTokenAsync();
        var revoke = new RevokeClientRequest { ClientId = GatewayFixture.NodeId("MB"), Reason = "test: key lost" };

        await fixture.TokenServerAdmin.RevokeClientAsync(revoke);
        await fixture.GatewayAdmin.RevokeClientAsync(revoke);

        var submit = await Assert.ThrowsAsync<RpcException>(async () => await new SubmissionService.SubmissionServiceClient(fixture.Gateway.AnonymousChannel).SubmitAsync(
            new SubmitRequest { Envelope = TestSubmissions.Sign(TestSubmissions.Complete("MB", LastYear), fixture.Federation.Node("MB")) },
            new Metadata { { "Authorization", "Bearer " + issued } }));
        tokens.Invalidate();
        var noToken = await Assert.ThrowsAsync<GatewayAuthenticationException>(() => tokens.GetAccessTokenAsync());

        Assert.Equal(StatusCode.PermissionDenied, submit.StatusCode);
        Assert.Contains("revoked", submit.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("invalid_client", noToken.Error);
    }

    [Fact]
    public async Task A_node_revoked_only_at_the_token_server_gets_no_new_token()
    {
        var tokens = await fixture.NodeTokensAsync("SK");
        await tokens.GetAccessTokenAsync();

        await fixture.TokenServerAdmin.RevokeClientAsync(new RevokeClientRequest { ClientId = GatewayFixture.NodeId("SK"), Reason = "test" });
        tokens.Invalidate();
        var refused = await Assert.ThrowsAsync<GatewayAuthenticationException>(() => tokens.GetAccessTokenAsync());

        Assert.Equal("invalid_client", refused.Error);
    }

    [Fact]
    public async Task When_the_token_server_is_down_the_node_is_told_which_token_endpoint_cannot_be_reached()
    {
        var down = new Uri($"https://127.0.0.1:{StandaloneTokenServerFixture.FreePort()}/");
        using var tokens = new GatewayTokenProvider(down, GatewayCredentials.ForNode(GatewayFixture.NodeId("NS"), fixture.Federation.Node("NS")), fixture.Federation.Trust);
        var submissions = new SubmissionService.SubmissionServiceClient(
            fixture.GatewayChannelFor(tokens, new GatewayRetryPolicy(2, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10))));

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await submissions.SubmitAsync(
            new SubmitRequest { Envelope = TestSubmissions.Sign(TestSubmissions.Complete("NS", LastYear), fixture.Federation.Node("NS")) },
            deadline: DateTime.UtcNow.AddSeconds(30)));

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Contains($"The token endpoint {new Uri(down, FederationScopes.TokenEndpointPath)} cannot be reached", refused.Status.Detail, StringComparison.Ordinal);
    }

    private async Task<QueryResponse> QueryAsync(string token) =>
        await new QueryService.QueryServiceClient(fixture.Gateway.AnonymousChannel).QueryAsync(
            s_query, new Metadata { { "Authorization", "Bearer " + token } }, DateTime.UtcNow.AddSeconds(30));

    private static string Reissue(string token, string certificatePem, string keyPem, Action<Dictionary<string, object>>? change = null)
    {
        using var signer = CertificateFiles.LoadWithPrivateKey(certificatePem, keyPem);
        using var key = signer.GetECDsaPrivateKey()!;
        return AccessTokens.Reissue(token, key, GatewayCredentials.KeyIdOf(signer), change);
    }

    private HttpClient HttpTo(Uri address)
    {
        var trust = fixture.Federation.Trust;
        return new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, chain, errors) => trust.ValidateServerCertificate(certificate, chain, errors) },
        });
    }

    private Task<HttpResponseMessage> RequestTokenAsync(HttpClient http, string assertion) =>
        http.PostAsync(new Uri(fixture.Issuer, FederationScopes.TokenEndpointPath), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_assertion_type"] = ClientAssertion.AssertionType,
            ["client_assertion"] = assertion,
            ["scope"] = FederationScopes.Submit,
        }));
}
