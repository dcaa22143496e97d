using Federation.Sdk.Records;
using Federation.Sdk.ServiceDirectory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Federation.Sdk.Hosting;

/// <summary>
/// What every adapter does once its named options are bound or configured: validate them with its validator when the
/// node starts (<c>ValidateOnStart</c>), and create the source from the options of that name.
/// </summary>
public static class ValidatedSourceRegistration
{
    /// <summary>Adds a case record source created from the named <typeparamref name="TOptions"/>, validated at start-up by <typeparamref name="TValidator"/>.</summary>
    public static INodeBuilder AddCaseSource<TOptions, TValidator>(
        this INodeBuilder node, string name, Func<IServiceProvider, TOptions, ICaseRecordSource> create)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(create);
        ValidateOnStart<TOptions, TValidator>(node, name);
        return node.AddCaseSource(name, services => create(services, services.GetRequiredService<IOptionsMonitor<TOptions>>().Get(name)));
    }

    /// <summary>Adds a dataset record source created from the named <typeparamref name="TOptions"/>, validated at start-up by <typeparamref name="TValidator"/>.</summary>
    public static INodeBuilder AddRecordSource<TOptions, TValidator>(
        this INodeBuilder node, string name, Func<IServiceProvider, TOptions, IDatasetRecordSource> create)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(create);
        ValidateOnStart<TOptions, TValidator>(node, name);
        return node.AddRecordSource(name, services => create(services, services.GetRequiredService<IOptionsMonitor<TOptions>>().Get(name)));
    }

    /// <summary>Adds a directory source created from the named <typeparamref name="TOptions"/>, validated at start-up by <typeparamref name="TValidator"/>.</summary>
    public static INodeBuilder AddDirectorySource<TOptions, TValidator>(
        this INodeBuilder node, string name, Func<IServiceProvider, TOptions, IDirectorySource> create)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(create);
        ValidateOnStart<TOptions, TValidator>(node, name);
        return node.AddDirectorySource(name, services => create(services, services.GetRequiredService<IOptionsMonitor<TOptions>>().Get(name)));
    }

    private static void ValidateOnStart<TOptions, TValidator>(INodeBuilder node, string name)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(node);
        node.Services.AddOptions<TOptions>(name).ValidateOnStart();
        node.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
    }
}
