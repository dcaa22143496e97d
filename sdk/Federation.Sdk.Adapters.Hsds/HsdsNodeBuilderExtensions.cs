using Federation.Sdk.Hosting;
using Federation.Sdk.ServiceDirectory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Federation.Sdk.Adapters.Hsds;

/// <summary>Adds an Open Referral HSDS 3.1 JSON feed to a node as a source of service directory content. Options are in README.md.</summary>
public static class HsdsNodeBuilderExtensions
{
    /// <summary>Adds an HSDS JSON file or folder, with options from a configuration section (<c>path</c>, <c>terms</c>).</summary>
    [NodeAdapter("hsds", NodeSourceKind.ServiceDirectory)]
    public static INodeBuilder AddHsdsDirectorySource(this INodeBuilder node, string name, IConfiguration options)
    {
        ArgumentNullException.ThrowIfNull(node);
        node.Services.AddOptions<HsdsDirectoryOptions>(name).BindNodeOptions(options);
        return AddSource(node, name);
    }

    /// <summary>Adds an HSDS JSON file or folder: <c>node.AddHsdsDirectorySource("hsds", o =&gt; o.Path = "feeds/hsds")</c>.</summary>
    public static INodeBuilder AddHsdsDirectorySource(this INodeBuilder node, string name, Action<HsdsDirectoryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(configure);
        node.Services.AddOptions<HsdsDirectoryOptions>(name).Configure(configure);
        return AddSource(node, name);
    }

    private static INodeBuilder AddSource(INodeBuilder node, string name) =>
        node.AddDirectorySource<HsdsDirectoryOptions, HsdsDirectoryOptionsValidator>(name, (services, options) => new HsdsDirectorySource(services.ResolveNodePath(options.Path!), options));
}

/// <summary>Validates every named <see cref="HsdsDirectoryOptions"/> at start-up; each problem starts with the option key.</summary>
internal sealed class HsdsDirectoryOptionsValidator(IServiceProvider services) : IValidateOptions<HsdsDirectoryOptions>
{
    public ValidateOptionsResult Validate(string? name, HsdsDirectoryOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            problems.Add("path: must be set.");
        }
        else if (services.ResolveNodePath(options.Path) is var path && !File.Exists(path) && !System.IO.Directory.Exists(path))
        {
            problems.Add($"path: '{path}' is neither a file nor a folder.");
        }

        foreach (var (term, code) in options.Terms)
        {
            if (string.IsNullOrWhiteSpace(term))
            {
                problems.Add("terms: a term must not be blank.");
            }
            else if (!HsdsDocumentReader.IsDirectoryCode(code))
            {
                problems.Add($"terms.{term}: '{code}' is not a directory code ({string.Join(", ", DirectoryCodes.ServiceTypeNames.Concat(DirectoryCodes.GenderNames).Concat(HsdsDocumentReader.FlagNames))}).");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
