using Federation.Sdk.Hosting;
using Federation.Sdk.Testing;
using Xunit.Sdk;

namespace Federation.Samples.JsonLinesAdapter.Tests;

/// <summary>The adapter as published for a node's plugins folder (the test project publishes it into published/jsonl).</summary>
public sealed class PublishedPluginTests
{
    private static string Published => Path.Combine(AppContext.BaseDirectory, "published", "jsonl");

    [Fact]
    public void The_published_folder_is_a_plugin_a_node_loads()
    {
        var adapters = PluginFolderConformance.Check(Published);

        Assert.Contains((JsonLinesNodeBuilderExtensions.AdapterName, NodeSourceKind.CaseRecords), adapters);
    }

    [Fact]
    public void A_folder_that_ships_the_sdk_is_refused_naming_the_file()
    {
        var folder = Directory.CreateTempSubdirectory("jsonl-plugin-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(Published))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            File.Copy(typeof(INodeBuilder).Assembly.Location, Path.Combine(folder, "Federation.Sdk.dll"));

            var failure = Assert.Throws<FailException>(() => PluginFolderConformance.Check(folder));

            Assert.StartsWith("PluginFolderConformance: the folder ships assemblies the node supplies itself (its copies would be ignored): Federation.Sdk.dll;", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
