namespace Federation.Node.Tests;

/// <summary>node.json's "telemetry" section: read through the real configuration reader, each bad setting named.</summary>
public sealed class TelemetrySettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("federation-node-telemetry-").FullName;

    [Fact]
    public void An_otlp_endpoint_and_protocol_are_read_from_node_json()
    {
        var telemetry = Read("""{ "otlpEndpoint": "http://127.0.0.1:4318", "otlpProtocol": "http/protobuf" }""").Telemetry!;

        Assert.Equal("http://127.0.0.1:4318", telemetry.OtlpEndpoint);
        Assert.Equal("http/protobuf", telemetry.OtlpProtocol);
        Assert.Empty(TelemetryProblems(Read("""{ "otlpEndpoint": "http://127.0.0.1:4317" }""")));
    }

    [Theory]
    [InlineData("""{ "otlpEndpoint": "collector:4317" }""", "telemetry.otlpEndpoint: 'collector:4317' is not an http or https address")]
    [InlineData("""{ "otlpEndpoint": "not an address" }""", "telemetry.otlpEndpoint: 'not an address' is not an http or https address")]
    [InlineData("""{ "otlpEndpoint": "http://127.0.0.1:4317", "otlpProtocol": "udp" }""", "telemetry.otlpProtocol: 'udp' is not one of grpc, http/protobuf.")]
    public void A_bad_telemetry_setting_is_refused_naming_it(string section, string expected)
    {
        Assert.Contains(TelemetryProblems(Read(section)), p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_telemetry_setting_is_refused()
    {
        var error = Assert.Throws<NodeConfigurationException>(() => Read("""{ "prometheusPort": 9464 }"""));

        Assert.Contains("prometheusPort", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // Only the telemetry section is under test: the other settings of this minimal node.json have their own tests.
    private static IEnumerable<string> TelemetryProblems(NodeConfiguration configuration) =>
        configuration.Validate().Where(p => p.StartsWith("telemetry", StringComparison.Ordinal));

    private NodeConfiguration Read(string telemetry)
    {
        var path = Path.Combine(_directory, "node.json");
        File.WriteAllText(path, $$"""{ "jurisdiction": "NS", "telemetry": {{telemetry}} }""");
        return NodeConfiguration.Read(path);
    }
}
