using Federation.Sdk.Hosting;
using Microsoft.Extensions.Options;

namespace Federation.Sdk.Adapters.Csv;

/// <summary>The rules for the CSV adapters' options; each problem starts with the option key.</summary>
internal static class CsvOptionsRules
{
    public static void CheckFile(IServiceProvider services, string? path, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            problems.Add("path: must be set.");
        }
        else if (services.ResolveNodePath(path) is var file && !File.Exists(file))
        {
            problems.Add(System.IO.Directory.Exists(file) ? $"path: '{file}' is a folder, not a CSV file." : $"path: file '{file}' does not exist.");
        }
    }

    public static void CheckDelimiter(char delimiter, List<string> problems)
    {
        if (delimiter == '\0')
        {
            problems.Add("delimiter: must be one character.");
        }
        else if (IsQuoteOrLineBreak(delimiter))
        {
            problems.Add("delimiter: cannot be a quote or a line break.");
        }
    }

    public static void CheckListSeparator(char listSeparator, char delimiter, List<string> problems)
    {
        if (listSeparator == '\0')
        {
            problems.Add("listSeparator: must be one character.");
        }
        else if (listSeparator == delimiter || IsQuoteOrLineBreak(listSeparator))
        {
            problems.Add("listSeparator: must differ from the delimiter and cannot be a quote or a line break.");
        }
    }

    public static bool IsQuoteOrLineBreak(char c) => c is '"' or '\r' or '\n';

    public static ValidateOptionsResult Result(List<string> problems) =>
        problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
}

/// <summary>Validates every named <see cref="CsvCaseSourceOptions"/> at start-up.</summary>
internal sealed class CsvCaseSourceOptionsValidator(IServiceProvider services) : IValidateOptions<CsvCaseSourceOptions>
{
    public ValidateOptionsResult Validate(string? name, CsvCaseSourceOptions options)
    {
        var problems = new List<string>();
        CsvOptionsRules.CheckFile(services, options.Path, problems);
        CsvOptionsRules.CheckDelimiter(options.Delimiter, problems);
        CsvOptionsRules.CheckListSeparator(options.ListSeparator, options.Delimiter, problems);

        if (options.Columns is null)
        {
            problems.Add("columns: must be set.");
        }
        else
        {
            problems.AddRange(options.Columns.Problems());
        }

        return CsvOptionsRules.Result(problems);
    }
}

/// <summary>Validates every named <see cref="CsvRecordSourceOptions"/> at start-up.</summary>
internal sealed class CsvRecordSourceOptionsValidator(IServiceProvider services) : IValidateOptions<CsvRecordSourceOptions>
{
    public ValidateOptionsResult Validate(string? name, CsvRecordSourceOptions options)
    {
        var problems = new List<string>();
        CsvOptionsRules.CheckFile(services, options.Path, problems);
        CsvOptionsRules.CheckDelimiter(options.Delimiter, problems);
        CsvOptionsRules.CheckListSeparator(options.ListSeparator, options.Delimiter, problems);
        foreach (var (field, column) in options.Columns ?? [])
        {
            if (string.IsNullOrWhiteSpace(column))
            {
                problems.Add($"columns.{field}: must name a column.");
            }
        }

        return CsvOptionsRules.Result(problems);
    }
}

/// <summary>Validates every named <see cref="CsvDirectorySourceOptions"/> at start-up.</summary>
internal sealed class CsvDirectorySourceOptionsValidator(IServiceProvider services) : IValidateOptions<CsvDirectorySourceOptions>
{
    public ValidateOptionsResult Validate(string? name, CsvDirectorySourceOptions options)
    {
        var problems = new List<string>();
        CsvOptionsRules.CheckFile(services, options.Path, problems);
        CsvOptionsRules.CheckDelimiter(options.Delimiter, problems);
        return CsvOptionsRules.Result(problems);
    }
}
