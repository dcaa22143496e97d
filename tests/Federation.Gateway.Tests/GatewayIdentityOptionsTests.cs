using Microsoft.Extensions.Options;

namespace Federation.Gateway.Tests;

public sealed class GatewayIdentityOptionsTests
{
    [Fact]
    public async Task The_gateway_refuses_to_start_without_a_signing_certificate_naming_the_setting()
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            GatewayFixture.StartAsync(options => options.SigningCertificatePath = null));

        Assert.Contains("Gateway:SigningCertificatePath must be set", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_gateway_refuses_a_node_certificate_as_its_signing_certificate()
    {
        using var federation = new TestFederation();
        var node = federation.Node("ON");
        var certificate = Path.Combine(federation.Directory, "node.pem");
        var key = Path.Combine(federation.Directory, "node.key");
        Sdk.Trust.CertificateFiles.SavePem(node, certificate, key);

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayFixture.StartAsync(options =>
        {
            options.SigningCertificatePath = certificate;
            options.SigningPrivateKeyPath = key;
        }));

        Assert.Contains("is not a gateway signing certificate", exception.Message, StringComparison.Ordinal);
    }
}

public sealed class InsecureDevelopmentGatewayTests
{
    [Fact]
    public async Task With_the_development_switch_tokens_and_calls_work_over_plain_http()
    {
        await using var gateway = await GatewayFixture.StartAsync(options => options.AllowInsecureHttp = true);

        var response = await gateway.QueryAsync(new Contracts.V1.QueryRequest { DatasetId = "trafficking.victims.v1" });

        Assert.Equal(Uri.UriSchemeHttp, gateway.Address.Scheme);
        Assert.Equal("T0", response.TableId);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("192.168.1.20")]
    public async Task Plain_http_on_an_address_other_than_loopback_is_refused_at_start_up(string listenAddress)
    {
        var exception = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => GatewayFixture.StartAsync(options =>
        {
            options.AllowInsecureHttp = true;
            options.ListenAddress = listenAddress;
        }));

        Assert.Contains("Gateway:AllowInsecureHttp serves plain HTTP, which is allowed on a loopback address only", exception.Message, StringComparison.Ordinal);
    }
}
