using System.Globalization;
using Federation.Sdk.Hosting;
using Microsoft.Extensions.Options;

namespace Federation.Samples.JsonLinesAdapter;

/// <summary>Validates every named <see cref="JsonLinesCaseSourceOptions"/> at start-up; each problem starts with the option key.</summary>
internal sealed class JsonLinesCaseSourceOptionsValidator(IServiceProvider services) : IValidateOptions<JsonLinesCaseSourceOptions>
{
    // A date whose day, month and year all differ, so a format that drops or swaps one cannot read it back.
    private static readonly DateOnly s_probe = new(2001, 2, 3);

    public ValidateOptionsResult Validate(string? name, JsonLinesCaseSourceOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            problems.Add("path: must be set.");
        }
        else if (services.ResolveNodePath(options.Path) is var file && !File.Exists(file))
        {
            problems.Add(Directory.Exists(file) ? $"path: '{file}' is a folder, not a JSON Lines file." : $"path: file '{file}' does not exist.");
        }

        if (string.IsNullOrWhiteSpace(options.DateFormat))
        {
            problems.Add("dateFormat: must be set (for example yyyy-MM-dd).");
        }
        else if (!ReadsBack(options.DateFormat))
        {
            problems.Add($"dateFormat: '{options.DateFormat}' does not give a date's day, month and year; use a format such as yyyy-MM-dd or dd/MM/yyyy.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
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
