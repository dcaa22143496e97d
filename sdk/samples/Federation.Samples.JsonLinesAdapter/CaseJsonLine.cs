using System.Globalization;
using System.Text.Json;
using Federation.Sdk.Records;

namespace Federation.Samples.JsonLinesAdapter;

/// <summary>
/// One line of the export as a <see cref="CaseRecord"/>: the property names and value types are in README.md. Values
/// are kept as the export writes them (the SDK's code mapper judges them); only what cannot be read at all (malformed
/// JSON, a value of the wrong JSON type, a date not in the configured format) makes the row unreadable.
/// </summary>
internal sealed class CaseJsonLine(string dateFormat)
{
    public SourceRow ToRow(string line, string location)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            // The parser's message can quote the line's text; its position is enough to find the fault.
            return SourceRow.Unreadable(location, $"the line is not valid JSON (at character {e.BytePositionInLine + 1})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return SourceRow.Unreadable(location, $"the line is a JSON {root.ValueKind}, not an object");
            }

            var problems = new List<string>();
            var person = Object(root, "person", problems);
            var record = new CaseRecord
            {
                CaseId = Text(root, "caseId", problems) ?? string.Empty,
                PersonName = Text(person, "person.name", problems),
                BirthDate = BirthDate(person, problems),
                IdentificationDate = Date(root, "identificationDate", problems),
                Gender = Text(person, "person.gender", problems),
                TypesOfExploitation = List(root, "exploitationTypes", problems),
                IndigenousIdentity = Text(person, "person.indigenousIdentity", problems),
                Citizenship = List(person, "person.citizenship", problems),
                ResidenceStatus = Text(person, "person.residenceStatus", problems),
                RelationshipToTrafficker = Text(root, "relationshipToTrafficker", problems),
                TraffickingStatus = Text(root, "traffickingStatus", problems),
            };
            return problems.Count == 0 ? SourceRow.Read(location, record) : SourceRow.Unreadable(location, string.Join("; ", problems));
        }
    }

    /// <summary>The property's value, or null when the object or property is absent or JSON null.</summary>
    private static JsonElement? Value(JsonElement? parent, string path)
    {
        var name = path[(path.LastIndexOf('.') + 1)..];
        return parent is { } element && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    private static JsonElement? Object(JsonElement parent, string path, List<string> problems)
    {
        var value = Value(parent, path);
        if (value is { ValueKind: not JsonValueKind.Object } wrong)
        {
            problems.Add($"{path}: must be an object, not a JSON {wrong.ValueKind}");
            return null;
        }

        return value;
    }

    private static string? Text(JsonElement? parent, string path, List<string> problems)
    {
        var value = Value(parent, path);
        if (value is { ValueKind: not JsonValueKind.String } wrong)
        {
            problems.Add($"{path}: must be text, not a JSON {wrong.ValueKind}");
            return null;
        }

        return CaseFieldValues.Text(value?.GetString());
    }

    private static string[] List(JsonElement? parent, string path, List<string> problems)
    {
        var value = Value(parent, path);
        if (value is not { } array)
        {
            return [];
        }

        if (array.ValueKind != JsonValueKind.Array || array.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
        {
            problems.Add($"{path}: must be an array of text values");
            return [];
        }

        return array.EnumerateArray().Select(item => CaseFieldValues.Text(item.GetString())).OfType<string>().ToArray();
    }

    /// <summary>
    /// The birth date; a birth year alone ("1998") is read as not recorded, never as a made-up day: 1 January or 1 July
    /// would move some people across an age-group boundary (a minor counted as an adult), while an unknown birth date
    /// is counted, honestly, in age group UNKNOWN.
    /// </summary>
    private DateOnly? BirthDate(JsonElement? person, List<string> problems)
    {
        const string path = "person.birthDate";
        var value = Value(person, path);
        return value is { ValueKind: JsonValueKind.String } text && text.GetString()!.Trim() is { Length: 4 } year && year.All(char.IsAsciiDigit)
            ? null
            : Date(person, path, problems);
    }

    private DateOnly? Date(JsonElement? parent, string path, List<string> problems)
    {
        if (Text(parent, path, problems) is not { } text)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, dateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        problems.Add($"{path} is not a date in {dateFormat} form");
        return null;
    }
}
