using System.Globalization;
using Federation.Sdk.Hosting;
using Microsoft.Extensions.Options;

namespace Federation.Samples.JsonLinesAdapter;

/// <summary>Validates every named <see cref="JsonLinesCaseSourceOptions"/> at start-up; each problem starts with the option key.</summary>
internal sealed class JsonLinesCaseSourceOptionsValidator(IServiceProvider services) : IValidateOptions<JsonLinesCaseSourceOptions>
{
    public ValidateOptionsResult Validate(string? name, JsonLinesCaseSourceOptions options) =>
        JsonLinesOptionsRules.Result(JsonLinesOptionsRules.Problems(services, options.Path, options.DateFormat));
}

/// <summary>Validates every named <see cref="JsonLinesRecordSourceOptions"/> at start-up; each problem starts with the option key.</summary>
internal sealed class JsonLinesRecordSourceOptionsValidator(IServiceProvider services) : IValidateOptions<JsonLinesRecordSourceOptions>
{
    public ValidateOptionsResult Validate(string? name, JsonLinesRecordSourceOptions options)
    {
        var problems = JsonLinesOptionsRules.Problems(services, options.Path, options.DateFormat);
        foreach (var (field, property) in options.Columns ?? [])
        {
            if (string.IsNullOrWhiteSpace(property))
            {
                problems.Add($"columns.{field}: must name a property.");
            }
        }

        return JsonLinesOptionsRules.Result(problems);
    }
}

/// <summary>The rules both JSON Lines sources' options follow; each problem starts with the option key.</summary>
internal static class JsonLinesOptionsRules
{
    // A date whose day, month and year all differ, so a format that drops or swaps one cannot read it back.
    private static readonly DateOnly s_probe = new(2001, 2, 3);

    public static ValidateOptionsResult Result(List<string> problems) =>
        problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);

    /// <summary>The problems with the file and the date format.</summary>
    public static List<string> Problems(IServiceProvider services, string? path, string? dateFormat)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(path))
        {
            problems.Add("path: must be set.");
        }
        else if (services.ResolveNodePath(path) is var file && !File.Exists(file))
        {
            problems.Add(Directory.Exists(file) ? $"path: '{file}' is a folder, not a JSON Lines file." : $"path: file '{file}' does not exist.");
        }

        if (string.IsNullOrWhiteSpace(dateFormat))
        {
            problems.Add("dateFormat: must be set (for example yyyy-MM-dd).");
        }
        else if (!ReadsBack(dateFormat))
        {
            problems.Add($"dateFormat: '{dateFormat}' does not give a date's day, month and year; use a format such as yyyy-MM-dd or dd/MM/yyyy.");
        }

        return problems;
    }

    private static bool ReadsBack(string format)
    {
        try
        {
            var text = s_probe.ToString(format, CultureInfo.InvariantCulture);
            return DateOnly.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date == s_probe;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
