using System.Collections;
using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Federation.Sdk.Hosting;

/// <summary>
/// What every adapter does with its options: binds a source's named options from its configuration section, refusing
/// keys the options do not have and values of the wrong type, and resolves the paths they name. Problems are reported
/// by options validation at start-up, each beginning with the option key (<c>"delimter: is not an option ..."</c>).
/// </summary>
public static class NodeAdapterOptions
{
    /// <summary>
    /// Binds the named options from <paramref name="configuration"/> (keys matched case-insensitively, as
    /// <see cref="ConfigurationBinder"/> does, with <see cref="BinderOptions.ErrorOnUnknownConfiguration"/>). A key
    /// the options do not have, or a value that is not of the option's type, is reported at validation; the options
    /// are then left unbound.
    /// </summary>
    public static OptionsBuilder<TOptions> BindNodeOptions<TOptions>(this OptionsBuilder<TOptions> builder, IConfiguration configuration)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Configure(options =>
        {
            // Each key is bound on its own, so one bad key is reported alone instead of leaving every option unset.
            foreach (var child in configuration.GetChildren().Where(child => KeyProblems(typeof(TOptions), child, prefix: string.Empty).Count == 0))
            {
                var property = Property(typeof(TOptions), child.Key)!;
                if (!IsScalar(Unwrapped(property)) && property.GetValue(options) is { } section)
                {
                    child.Bind(section, binder => binder.ErrorOnUnknownConfiguration = true);
                }
                else if (child.Value is not null || child.GetChildren().Any())
                {
                    property.SetValue(options, child.Get(property.PropertyType, binder => binder.ErrorOnUnknownConfiguration = true));
                }
            }
        });
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(new BindingValidator<TOptions>(builder.Name, configuration));
        return builder;
    }

    /// <summary>
    /// An absolute path for an option's path: relative paths are resolved through the node's <see cref="NodeFiles"/>
    /// when the host registered one (the configuration file's folder), else from the current directory.
    /// </summary>
    public static string ResolveNodePath(this IServiceProvider services, string path)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return services.GetService<NodeFiles>() is { } files ? files.Resolve(path) : Path.GetFullPath(path);
    }

    /// <summary>The option key as it is written in configuration files: camelCase, dotted for nested options.</summary>
    public static string OptionKey(string propertyName) => JsonNamingPolicy.CamelCase.ConvertName(propertyName);

    private static List<string> Problems(Type type, IConfiguration section, string prefix) =>
        section.GetChildren().SelectMany(child => KeyProblems(type, child, prefix)).ToList();

    private static List<string> KeyProblems(Type type, IConfigurationSection child, string prefix)
    {
        var problems = new List<string>();
        var key = prefix + child.Key;
        var property = Property(type, child.Key);
        if (property is null)
        {
            problems.Add($"{key}: is not an option here; the options are {string.Join(", ", Properties(type).Select(p => prefix + OptionKey(p.Name)))}.");
            return problems;
        }

        var propertyType = Unwrapped(property);
        var isSection = child.GetChildren().Any();
        if (!IsScalar(propertyType) && child.Value is { Length: > 0 })
        {
            problems.Add($"{key}: must be a section, not a single value.");
        }
        else if (IsDictionary(propertyType))
        {
            problems.AddRange(child.GetChildren().Where(entry => entry.GetChildren().Any()).Select(entry => $"{key}.{entry.Key}: must be a single value."));
        }
        else if (IsScalar(propertyType))
        {
            if (isSection)
            {
                problems.Add($"{key}: must be a single value, not a section.");
            }
            else if (child.Value is not null && !Converts(propertyType, child.Value))
            {
                // Text options are never echoed (they may hold secrets); only values of other types are.
                problems.Add($"{key}: '{child.Value}' is not {Describe(propertyType)}.");
            }
        }
        else
        {
            problems.AddRange(Problems(propertyType, child, key + "."));
        }

        return problems;
    }

    private static PropertyInfo[] Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToArray();

    private static PropertyInfo? Property(Type type, string key) =>
        Properties(type).FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase));

    private static Type Unwrapped(PropertyInfo property) => Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;

    private static bool IsDictionary(Type type) =>
        type.IsGenericType && type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || !typeof(IEnumerable).IsAssignableFrom(type) && type.IsValueType;

    private static bool Converts(Type type, string value)
    {
        if (type == typeof(string))
        {
            return true;
        }

        if (type == typeof(char))
        {
            // The binder reads "" as '\0' and refuses longer text; the option's own validation says what it needs.
            return value.Length <= 1;
        }

        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException
            || e.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    private static string Describe(Type type) =>
        type == typeof(char) ? "one character"
        : type == typeof(bool) ? "true or false"
        : type == typeof(int) || type == typeof(long) || type == typeof(short) ? "a whole number"
        : type == typeof(double) || type == typeof(decimal) || type == typeof(float) ? "a number"
        : type == typeof(TimeSpan) ? "a duration (hh:mm:ss)"
        : type.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(type))}"
        : $"a {type.Name}";

    private sealed class BindingValidator<TOptions>(string? name, IConfiguration configuration) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? optionsName, TOptions options)
        {
            if (!string.Equals(optionsName ?? Options.DefaultName, name ?? Options.DefaultName, StringComparison.Ordinal))
            {
                return ValidateOptionsResult.Skip;
            }

            var problems = Problems(typeof(TOptions), configuration, prefix: string.Empty);
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
