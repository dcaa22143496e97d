using Microsoft.Extensions.Options;

namespace Federation.Gateway.Tests;

/// <summary>Start-up refusals of a gateway trusting an external token server, and of the token server itself; each names the setting.</summary>
public sealed class StandaloneTokenServerOptionsTests
{
    [Fact]
    public async Task A_gateway_with_an_external_issuer_but_no_signing_certificate_refuses_to_start_naming_the_setting()
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            GatewayFixture.StartAsync(options => options.TokenServerIssuer = "https://tokens.example.ca:7444/"));

        Assert.Contains("Gateway:TokenServerSigningCertificatePath must be set", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_refuses_its_own_signing_certificate_as_the_token_server_certificate()
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayFixture.StartAsync(options =>
        {
            options.TokenServerIssuer = "https://tokens.example.ca:7444/";
            options.TokenServerSigningCertificatePath = options.SigningCertificatePath;
        }));

        Assert.Contains("Gateway:TokenServerSigningCertificatePath: ", exception.Message, StringComparison.Ordinal);
        Assert.Contains("is not a token server signing certificate", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_refuses_both_its_own_token_issuer_and_an_external_one()
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayFixture.StartAsync(options =>
        {
            options.TokenIssuer = "https://gateway.example.ca:7443/";
            options.TokenServerIssuer = "http://tokens.example.ca:7444/";
        }));

        Assert.Contains("Gateway:TokenIssuer names the issuer of a token server hosted by the gateway", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Gateway:TokenServerIssuer: 'http://tokens.example.ca:7444/' is not an https:// address", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_server_without_an_issuer_or_with_a_gateway_signing_certificate_refuses_to_start_naming_the_settings()
    {
        using var federation = new TestFederation();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var server = StandaloneTokenServerFixture.StartTokenServer(
                federation,
                new Uri("https://127.0.0.1:0/"),
                federation.GatewaySigningCertificatePem,
                federation.GatewaySigningKeyPem,
                options => options.Issuer = null);
            await server.StartAsync();
        });

        Assert.Contains("TokenServer:Issuer must be set", exception.Message, StringComparison.Ordinal);
        Assert.Contains("TokenServer:SigningCertificatePath: ", exception.Message, StringComparison.Ordinal);
        Assert.Contains("is not a token server signing certificate", exception.Message, StringComparison.Ordinal);
    }
}
