using System.Runtime.Loader;
using System.Security.Cryptography;
using Federation.Node.Adapters;
using Federation.Node.Hosting;

namespace Federation.Node.Tests;

/// <summary>Adapters found in a plug-in folder: loaded into their own context, used by a node run, refused precisely when unusable.</summary>
public sealed class PluginAdapterTests : IDisposable
{
    private readonly NodeFolder _node = new();

    [Fact]
    public async Task A_plugin_found_only_in_the_plugins_folder_supplies_the_records_of_a_node_run()
    {
        _node.InstallPlugin();
        await File.WriteAllLinesAsync(_node.PathOf("cases.txt"), Enumerable.Range(1, 12).Select(i =>
            $"caseId=NS-{i};birthDate=1990-01-01;identified=2024-0{1 + (i % 9)}-15;gender=Feminine;exploitation=SexualExploitation;indigenous=NotIndigenous;citizenship=CA;relationship=IntimatePartner;status=ActualVictimOfTrafficking"));
        var configuration = NodeConfiguration.Load(_node.WriteConfiguration(
            """[ { "name": "intake", "adapter": "keyvalue", "options": { "path": "cases.txt" } } ]""", _node.PinnedPlugins()));

        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "Federation.Node.TestPlugin" && AssemblyLoadContext.GetLoadContext(a) == AssemblyLoadContext.Default);
        var result = (await new NodeRunner(configuration, TimeProvider.System).PrepareAsync(CancellationToken.None)).Pipeline;

        Assert.Equal(12, result.RecordsRead);
        Assert.Equal(12, result.RecordsAccepted);
        Assert.Equal(2024, Assert.Single(result.Submissions).ReferenceYear);
    }

    [Fact]
    public async Task The_plugin_resolves_its_own_dependency_from_its_folder_and_shares_the_nodes_sdk()
    {
        var plugins = _node.InstallPlugin();
        await File.WriteAllTextAsync(_node.PathOf("cases.txt"), "caseId=NS-1;identified=2024-03-01");
        var configuration = NodeConfiguration.Load(_node.WriteConfiguration(
            """[ { "adapter": "keyvalue", "options": { "path": "cases.txt" } } ]""", _node.PinnedPlugins()));
        using (var sources = new NodeSourceFactory(configuration, TimeProvider.System).Create())
        {
            await foreach (var row in Assert.Single(sources.CaseRecords).ReadAsync(CancellationToken.None))
            {
                Assert.Equal("NS-1", row.Record!.CaseId);
            }
        }

        var loaded = AppDomain.CurrentDomain.GetAssemblies();
        var parser = Assert.Single(loaded, a => a.GetName().Name == "Federation.Node.TestPluginParser" && a.Location.StartsWith(plugins, StringComparison.Ordinal));
        Assert.IsType<PluginLoadContext>(AssemblyLoadContext.GetLoadContext(parser));
        Assert.DoesNotContain(loaded, a => a.GetName().Name == "Federation.Node.TestPluginParser" && AssemblyLoadContext.GetLoadContext(a) == AssemblyLoadContext.Default);

        // The plug-in folder holds its own copy of the SDK; the node's is the only one loaded, so INodeBuilder is one type.
        Assert.True(File.Exists(Path.Combine(plugins, "keyvalue", "Federation.Sdk.dll")));
        Assert.Single(loaded, a => a.GetName().Name == "Federation.Sdk");
    }

    [Fact]
    public void An_unknown_adapter_is_named_with_its_setting_and_the_adapters_that_exist()
    {
        var plugins = _node.InstallPlugin();
        var problems = Problems("""[ { "adapter": "keyvalue", "options": { "path": "node.pem" } }, { "adapter": "oracle" } ]""", _node.PinnedPlugins());

        var problem = Assert.Single(problems);
        Assert.StartsWith("sources[1].adapter: 'oracle' is not a known adapter of case records", problem, StringComparison.Ordinal);
        Assert.Contains($"one of the plug-ins in '{plugins}': keyvalue", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_option_is_named_with_its_setting_and_the_source()
    {
        _node.InstallPlugin();

        var problems = Problems("""[ { "name": "intake", "adapter": "keyvalue", "options": { "path": "missing.txt" } } ]""", _node.PinnedPlugins());

        Assert.Equal("sources[0].options.path: the file of key=value lines must exist.", Assert.Single(problems));
    }

    [Fact]
    public void An_unknown_option_key_is_refused_rather_than_ignored()
    {
        _node.InstallPlugin();

        var problems = Problems("""[ { "adapter": "keyvalue", "options": { "path": "node.pem", "colour": "blue" } } ]""", _node.PinnedPlugins());

        Assert.StartsWith("sources[0].options.colour: is not an option of adapter 'keyvalue'", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void An_option_value_of_the_wrong_type_is_named_with_its_setting()
    {
        _node.InstallPlugin();

        var problems = Problems("""[ { "adapter": "keyvalue", "options": { "path": "node.pem", "separator": "two" } } ]""", _node.PinnedPlugins());

        Assert.Equal("sources[0].options.separator: 'two' is not a valid Char.", Assert.Single(problems));
    }

    [Fact]
    public void Two_plugins_claiming_one_adapter_name_are_refused_naming_both_assemblies()
    {
        var plugins = _node.InstallPlugin("first");
        _node.InstallPlugin("second");

        var problems = Problems("""[ { "adapter": "keyvalue", "options": { "path": "node.pem" } } ]""", _node.PinnedPlugins());

        var claimed = Assert.Single(problems, p => p.StartsWith("plugins: adapter 'keyvalue' (case records)", StringComparison.Ordinal));
        Assert.Contains("claimed by more than one assembly", claimed, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(plugins, "first", "Federation.Node.TestPlugin.dll"), claimed, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(plugins, "second", "Federation.Node.TestPlugin.dll"), claimed, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_in_the_plugins_folder_that_is_not_an_assembly_is_named()
    {
        var plugins = _node.InstallPlugin();
        File.WriteAllText(Path.Combine(plugins, "broken.dll"), "not an assembly");

        var problems = Problems("""[ { "adapter": "keyvalue", "options": { "path": "node.pem" } } ]""", _node.PinnedPlugins());

        Assert.StartsWith($"plugins: '{Path.Combine(plugins, "broken.dll")}' cannot be loaded", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_plugins_folder_is_named()
    {
        var error = Assert.Throws<NodeConfigurationException>(() => NodeConfiguration.Load(_node.WriteConfiguration("""[ { "adapter": "csv" } ]""", "\"plugins\": \"adapters\",")));

        Assert.Contains($"plugins: folder '{_node.PathOf("adapters")}' does not exist.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_together_at_start_up_before_anything_is_read()
    {
        _node.InstallPlugin();
        var path = _node.WriteConfiguration(
            """[ { "adapter": "keyvalue", "options": { "path": "missing.txt" } }, { "adapter": "oracle" }, { "name": "bad name", "adapter": "keyvalue" } ]""",
            _node.PinnedPlugins() + " \"schedule\": { \"every\": \"00:00:30\" },");

        var error = Assert.Throws<NodeConfigurationException>(() => NodeStartup.Check(new NodeHostSettings { ConfigurationPath = path }, TimeProvider.System));

        Assert.Contains("schedule.every: '00:00:30' is shorter than the shortest interval", error.Message, StringComparison.Ordinal);
        Assert.Contains("sources[0].options.path:", error.Message, StringComparison.Ordinal);
        Assert.Contains("sources[1].adapter: 'oracle'", error.Message, StringComparison.Ordinal);
        Assert.Contains("sources[2].name: 'bad name'", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_node.PathOf("state")));
    }

    [Fact]
    public void An_unpinned_plugin_is_refused_at_start_up_with_its_hash_and_nothing_of_it_is_loaded()
    {
        _node.InstallPlugin();
        var plugin = Path.Combine(_node.PathOf("plugins"), "keyvalue", "Federation.Node.TestPlugin.dll");
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(plugin)));
        var path = _node.WriteConfiguration("""[ { "adapter": "keyvalue", "options": { "path": "node.pem" } } ]""", "\"plugins\": \"plugins\",");

        var error = Assert.Throws<NodeConfigurationException>(() => NodeStartup.Check(new NodeHostSettings { ConfigurationPath = path }, TimeProvider.System));

        Assert.Contains($"plugins: '{plugin}' is not pinned: its SHA-256 is {hash}.", error.Message, StringComparison.Ordinal);
        Assert.Contains($"\"keyvalue/Federation.Node.TestPlugin.dll\": \"{hash}\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("sources[0].adapter: 'keyvalue' is not a known adapter", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plugin_changed_after_it_was_pinned_is_refused_with_its_actual_and_its_pinned_hash()
    {
        _node.InstallPlugin();
        var pinned = _node.PinnedPlugins();
        var dependency = Path.Combine(_node.PathOf("plugins"), "keyvalue", "Federation.Node.TestPluginParser.dll");
        var before = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(dependency)));
        File.AppendAllText(dependency, "tampered");
        var after = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(dependency)));

        var problems = Problems("""[ { "adapter": "keyvalue", "options": { "path": "node.pem" } } ]""", pinned);

        var changed = Assert.Single(problems, p => p.Contains("changed since it was pinned", StringComparison.Ordinal));
        Assert.Equal(
            $"plugins: '{dependency}' has SHA-256 {after}, but pluginSha256 in node.json pins {before}: it changed since it was pinned. "
                + $"Restore the pinned file, or pin the new one (\"keyvalue/Federation.Node.TestPluginParser.dll\": \"{after}\") once you trust it.",
            changed);
        Assert.Contains(problems, p => p.StartsWith("sources[0].adapter: 'keyvalue' is not a known adapter", StringComparison.Ordinal));
    }

    [Fact]
    public void A_pin_that_is_not_a_sha256_is_named()
    {
        var error = Assert.Throws<NodeConfigurationException>(() => NodeConfiguration.Load(_node.WriteConfiguration(
            """[ { "adapter": "csv" } ]""", "\"pluginSha256\": { \"a/b.dll\": \"md5:1234\" },")));

        Assert.Contains("pluginSha256.a/b.dll: 'md5:1234' is not a SHA-256 (64 hexadecimal digits).", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _node.Dispose();

    private IReadOnlyList<string> Problems(string sources, string more)
    {
        var configuration = NodeConfiguration.Load(_node.WriteConfiguration(sources, more));
        return new NodeSourceFactory(configuration, TimeProvider.System).Check();
    }
}
