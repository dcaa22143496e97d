using System.Text;
using Federation.Contracts.V1;
using Federation.Sdk.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Federation.Sdk.Adapters.Hsds.Tests;

public sealed class HsdsNodeBuilderExtensionsTests
{
    private static IConfiguration Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    private static string[] Failures(string json)
    {
        var node = new NodeBuilder();
        node.AddHsdsDirectorySource("hsds", Json(json));
        return Assert.Throws<OptionsValidationException>(() => node.Build().Dispose()).Failures.ToArray();
    }

    [Fact]
    public async Task Path_and_terms_are_bound_from_a_configuration_section()
    {
        var node = new NodeBuilder();
        node.AddHsdsDirectorySource("hsds", Json($$"""{ "path": "{{HsdsExamples.File("service_full.json")}}", "terms": { "code": "counselling" } }"""));

        using var sources = node.Build();
        var (name, source) = Assert.Single(sources.DirectorySources);
        var content = await source.ReadAsync();

        Assert.Equal("hsds", name);
        Assert.Equal([ServiceType.Counselling], Assert.Single(content.Services).ServiceTypes);
    }

    [Fact]
    public async Task A_folder_configured_in_code_is_read_whole()
    {
        var node = new NodeBuilder();
        node.AddHsdsDirectorySource("hsds", options => options.Path = HsdsExamples.Folder);

        using var sources = node.Build();

        Assert.NotEmpty((await sources.DirectorySources[0].Value.ReadAsync()).Services);
    }

    [Theory]
    [InlineData("""{ "terms": { } }""", "path: must be set.")]
    [InlineData("""{ "path": "/nonexistent/hsds" }""", "path: '/nonexistent/hsds' is neither a file nor a folder.")]
    [InlineData("""{ "path": "FOLDER", "folder": "x" }""", "folder: is not an option here; the options are path, terms.")]
    [InlineData("""{ "path": "FOLDER", "terms": "counselling" }""", "terms: must be a section, not a single value.")]
    [InlineData("""{ "path": "FOLDER", "terms": { "dv": { "code": "x" } } }""", "terms.dv: must be a single value.")]
    public void Each_invalid_option_is_reported_with_its_key(string json, string expected) =>
        Assert.Equal([expected], Failures(json.Replace("FOLDER", HsdsExamples.Folder, StringComparison.Ordinal)));

    [Fact]
    public void A_term_mapped_to_no_directory_code_is_reported_with_the_codes_there_are()
    {
        var failure = Assert.Single(Failures($$"""{ "path": "{{HsdsExamples.Folder}}", "terms": { "dv-shelter": "shelter" } }"""));

        Assert.StartsWith("terms.dv-shelter: 'shelter' is not a directory code (", failure, StringComparison.Ordinal);
        Assert.Contains("emergency_shelter", failure, StringComparison.Ordinal);
        Assert.Contains("two_spirit_lgbtqi_plus", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void The_configuration_method_is_marked_as_the_hsds_directory_adapter()
    {
        var adapter = typeof(HsdsNodeBuilderExtensions).GetMethods()
            .Select(m => (Method: m, Attribute: (NodeAdapterAttribute?)Attribute.GetCustomAttribute(m, typeof(NodeAdapterAttribute))))
            .Single(m => m.Attribute is not null);

        Assert.Equal(("hsds", NodeSourceKind.ServiceDirectory), (adapter.Attribute!.Name, adapter.Attribute.Kind));
        Assert.Equal(typeof(IConfiguration), adapter.Method.GetParameters()[2].ParameterType);
    }
}
