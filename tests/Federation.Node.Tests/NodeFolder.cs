using System.Security.Cryptography;
using Federation.Sdk.Trust;

namespace Federation.Node.Tests;

/// <summary>
/// A node's folder in the temp directory: the files node.json names (a federation root, and a certificate and key it
/// issued to node-ns of NS, as the node's identity is checked at start-up; the log key need only exist), a 32-byte
/// protection key, and node.json written from its parts.
/// </summary>
internal sealed class NodeFolder : IDisposable
{
    public NodeFolder()
    {
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(Root, "log.pub"), "x");
        using (var authority = FederationCertificateAuthority.Create("Test Federation Root"))
        {
            authority.SaveTo(PathOf("root.pem"), PathOf("root.key"));
            using var node = authority.IssueNodeCertificate("NS", "node-ns");
            CertificateFiles.SavePem(node, PathOf("node.pem"), PathOf("node.key"));
        }

        File.WriteAllBytes(Path.Combine(Root, "rounding.key"), RandomNumberGenerator.GetBytes(32));
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "federation-node-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The keyvalue test plug-in, built next to the tests (see the test project).</summary>
    public static string BuiltPlugin => Path.Combine(AppContext.BaseDirectory, "test-plugins", "keyvalue");

    public string PathOf(string name) => Path.Combine(Root, name);

    /// <summary>Copies the keyvalue plug-in into plugins/&lt;subfolder&gt; and returns the plug-in folder.</summary>
    public string InstallPlugin(string subfolder = "keyvalue")
    {
        var target = Directory.CreateDirectory(Path.Combine(Root, "plugins", subfolder)).FullName;
        foreach (var file in Directory.GetFiles(BuiltPlugin))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return Path.Combine(Root, "plugins");
    }

    /// <summary>
    /// The node.json members for the plug-in folder "plugins" with every code file now in it pinned (each followed by a
    /// comma, for <see cref="WriteConfiguration"/>): what an operator writes once they trust the files.
    /// </summary>
    public string PinnedPlugins() =>
        $"\"plugins\": \"plugins\", \"pluginSha256\": {System.Text.Json.JsonSerializer.Serialize(Federation.Node.Adapters.PluginPins.Compute(PathOf("plugins")))},";

    /// <summary>Writes node.json with these sources (a JSON array) and further settings (JSON members, each followed by a comma).</summary>
    public string WriteConfiguration(string sources, string more = "")
    {
        var path = PathOf("node.json");
        File.WriteAllText(path, $$"""
            {
              "jurisdiction": "NS",
              "nodeId": "node-ns",
              "datasetId": "trafficking.victims.v1",
              "gateway": { "address": "https://127.0.0.1:7443", "trustRoot": "root.pem", "logVerifierKey": "log.pub" },
              "signing": { "certificate": "node.pem", "privateKey": "node.key" },
              "protection": { "keyFile": "rounding.key" },
              "referenceYears": [2024],
              {{more}}
              "sources": {{sources}},
              "stateDirectory": "state"
            }
            """);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans the temp folder.
        }
    }
}
