namespace Federation.EndToEnd.Tests;

/// <summary>
/// The systemd units in deploy/ are the ones the docs install: hardened, and naming the program, settings and the one
/// writable folder the docs set up. (CI also runs systemd-analyze verify on them where systemd is installed.)
/// </summary>
public sealed class DeployUnitsTests
{
    private static readonly string Root = ExternalProcess.RepositoryRoot();

    public static TheoryData<string, string> Units => new()
    {
        { "federation-node.service", "docs/deploying-a-node.md" },
        { "federation-gateway.service", "docs/deploying-the-gateway.md" },
    };

    [Theory]
    [MemberData(nameof(Units))]
    public void Each_unit_is_hardened_and_writes_only_the_folder_its_doc_sets_up(string unit, string doc)
    {
        var settings = Read(unit);
        var text = File.ReadAllText(Path.Combine(Root, doc));

        Assert.Equal(["Unit", "Service", "Install"], settings.Select(s => s.Section).Distinct());
        var service = settings.Where(s => s.Section == "Service").ToLookup(s => s.Key, s => s.Value);
        Assert.Equal("strict", Assert.Single(service["ProtectSystem"]));
        Assert.Equal("true", Assert.Single(service["NoNewPrivileges"]));
        Assert.Equal("true", Assert.Single(service["PrivateTmp"]));
        Assert.Equal("true", Assert.Single(service["ProtectHome"]));
        Assert.Equal("0077", Assert.Single(service["UMask"]));
        Assert.Equal(string.Empty, Assert.Single(service["CapabilityBoundingSet"]));
        Assert.Empty(service["MemoryDenyWriteExecute"]);
        var writable = Assert.Single(service["ReadWritePaths"]);
        Assert.Contains($"`{writable}", text, StringComparison.Ordinal);
        var program = Assert.Single(service["ExecStart"]).Split(' ')[0];
        Assert.Contains(Path.GetDirectoryName(program)!, text, StringComparison.Ordinal);
        Assert.Contains($"deploy/{unit}", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[Service]", text, StringComparison.Ordinal);
        foreach (var file in service["EnvironmentFile"])
        {
            Assert.Contains(file, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_node_unit_runs_fed_node_run_on_the_docs_node_json_and_does_not_restart_an_unusable_node()
    {
        var service = Read("federation-node.service").Where(s => s.Section == "Service").ToDictionary(s => s.Key, s => s.Value);

        Assert.Equal("/opt/federation/fed node run --config /etc/federation/node.json", service["ExecStart"]);
        Assert.Equal("notify", service["Type"]);
        Assert.Equal("2 6", service["RestartPreventExitStatus"]);
        Assert.Equal("federation", service["User"]);
    }

    private static List<(string Section, string Key, string Value)> Read(string unit)
    {
        var settings = new List<(string, string, string)>();
        var section = string.Empty;
        foreach (var raw in File.ReadAllLines(Path.Combine(Root, "deploy", unit)))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[')
            {
                Assert.EndsWith("]", line, StringComparison.Ordinal);
                section = line[1..^1];
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            Assert.True(equals > 0, $"{unit}: '{line}' is not a setting");
            Assert.NotEqual(string.Empty, section);
            settings.Add((section, line[..equals], line[(equals + 1)..]));
        }

        return settings;
    }
}
