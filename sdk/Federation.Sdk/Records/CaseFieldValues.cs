using System.Globalization;

namespace Federation.Sdk.Records;

/// <summary>How adapters read a case-record field written as text: blank is "not recorded", lists are split, dates are yyyy-MM-dd.</summary>
public static class CaseFieldValues
{
    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>The trimmed text, or null when blank.</summary>
    public static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The non-blank, trimmed values of a list field.</summary>
    public static string[] List(string? value, char separator) =>
        (value ?? string.Empty).Split(separator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// How a reason names a field: as the source names it, so the province finds it in its export, followed by the
    /// <see cref="CaseRecord"/> property when the source's name does not contain it ("Born (BirthDate)",
    /// but "birth_date" and "person.birthDate" alone), so every reason also names the field the SDK knows.
    /// </summary>
    public static string FieldName(string sourceField, string property)
    {
        ArgumentNullException.ThrowIfNull(sourceField);
        ArgumentNullException.ThrowIfNull(property);
        static string Letters(string name) => new([.. name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);
        return Letters(sourceField).Contains(Letters(property), StringComparison.Ordinal) ? sourceField : $"{sourceField} ({property})";
    }

    /// <summary>The date, null when blank; a value not in <see cref="DateFormat"/> adds a problem naming <paramref name="column"/> (never the value).</summary>
    public static DateOnly? Date(string? value, string column, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (Text(value) is not { } text)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        problems.Add($"{column} is not a date in {DateFormat} form");
        return null;
    }
}
