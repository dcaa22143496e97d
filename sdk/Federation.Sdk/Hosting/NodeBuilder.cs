using Federation.Sdk.Records;
using Federation.Sdk.ServiceDirectory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Federation.Sdk.Hosting;

/// <summary>
/// The node builder adapters extend: collects named sources over a service collection (the node host's, or its own),
/// then builds them once the services are built, after validating every option registered with
/// <c>ValidateOnStart</c>.
/// </summary>
public sealed class NodeBuilder : INodeBuilder
{
    private readonly List<(string Name, Func<IServiceProvider, ICaseRecordSource> Create)> _caseSources = [];
    private readonly List<(string Name, Func<IServiceProvider, IDirectorySource> Create)> _directorySources = [];
    private readonly List<(string Name, Func<IServiceProvider, IDatasetRecordSource> Create)> _recordSources = [];

    public NodeBuilder(IServiceCollection? services = null)
    {
        Services = services ?? new ServiceCollection();
    }

    public IServiceCollection Services { get; }

    /// <summary>The names of the case record sources added so far, in order.</summary>
    public IReadOnlyList<string> CaseSourceNames => _caseSources.Select(s => s.Name).ToArray();

    /// <summary>The names of the dataset record sources added so far, in order.</summary>
    public IReadOnlyList<string> RecordSourceNames => _recordSources.Select(s => s.Name).ToArray();

    /// <summary>The names of the directory sources added so far, in order.</summary>
    public IReadOnlyList<string> DirectorySourceNames => _directorySources.Select(s => s.Name).ToArray();

    public INodeBuilder AddCaseSource(string name, Func<IServiceProvider, ICaseRecordSource> create)
    {
        RequireNewName(name);
        ArgumentNullException.ThrowIfNull(create);
        _caseSources.Add((name, create));
        return this;
    }

    public INodeBuilder AddRecordSource(string name, Func<IServiceProvider, IDatasetRecordSource> create)
    {
        RequireNewName(name);
        ArgumentNullException.ThrowIfNull(create);
        _recordSources.Add((name, create));
        return this;
    }

    public INodeBuilder AddDirectorySource(string name, Func<IServiceProvider, IDirectorySource> create)
    {
        RequireNewName(name);
        ArgumentNullException.ThrowIfNull(create);
        _directorySources.Add((name, create));
        return this;
    }

    /// <summary>
    /// Builds the services of a node builder that owns them, validates options and creates the sources.
    /// Throws <see cref="OptionsValidationException"/> naming the source (the options name) when an option is invalid.
    /// </summary>
    public NodeSources Build()
    {
        var provider = Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        try
        {
            return CreateSources(provider, ownsProvider: provider);
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    /// <summary>Creates the sources from services built elsewhere (the node host's), after validating options.</summary>
    public NodeSources CreateSources(IServiceProvider services) => CreateSources(services, ownsProvider: null);

    private NodeSources CreateSources(IServiceProvider services, IDisposable? ownsProvider)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.GetService<IStartupValidator>()?.Validate();
        return new NodeSources(
            _caseSources.Select(s => new KeyValuePair<string, ICaseRecordSource>(s.Name, s.Create(services))).ToArray(),
            _directorySources.Select(s => new KeyValuePair<string, IDirectorySource>(s.Name, s.Create(services))).ToArray(),
            ownsProvider)
        {
            RecordSources = _recordSources.Select(s => new KeyValuePair<string, IDatasetRecordSource>(s.Name, s.Create(services))).ToArray(),
        };
    }

    private void RequireNewName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_caseSources.Any(s => s.Name == name) || _directorySources.Any(s => s.Name == name) || _recordSources.Any(s => s.Name == name))
        {
            throw new ArgumentException($"A source named '{name}' was already added; source names must be unique in a node.", nameof(name));
        }
    }
}

/// <summary>A node's sources, by name, in the order they were added.</summary>
public sealed class NodeSources : IDisposable
{
    private readonly IDisposable? _ownedProvider;

    internal NodeSources(
        IReadOnlyList<KeyValuePair<string, ICaseRecordSource>> caseSources,
        IReadOnlyList<KeyValuePair<string, IDirectorySource>> directorySources,
        IDisposable? ownedProvider)
    {
        CaseSources = caseSources;
        DirectorySources = directorySources;
        _ownedProvider = ownedProvider;
    }

    public IReadOnlyList<KeyValuePair<string, ICaseRecordSource>> CaseSources { get; }

    public IReadOnlyList<KeyValuePair<string, IDirectorySource>> DirectorySources { get; }

    public IReadOnlyList<KeyValuePair<string, IDatasetRecordSource>> RecordSources { get; init; } = [];

    public void Dispose() => _ownedProvider?.Dispose();
}
