using System.Text.RegularExpressions;

namespace Federation.Sdk.Catalog;

/// <summary>Reads and checks the "record" section of a dataset document (see <see cref="RecordDefinition"/>).</summary>
internal static class RecordDocument
{
    public static RecordDefinition Parse(RecordJson json, IReadOnlyList<DimensionDefinition> dimensions, string source)
    {
        if (json.Fields is not { Length: > 0 })
        {
            throw Problem(source, "record.fields lists the fields of a source record, such as [{ \"id\": \"case_id\", \"kind\": \"text\" }].");
        }

        var fields = json.Fields.Select((f, i) => ParseField(f, i, source)).ToArray();
        var duplicate = fields.GroupBy(f => f.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw Problem(source, $"record.fields names field '{duplicate.Key}' twice.");
        }

        var byId = fields.ToDictionary(f => f.Id, StringComparer.Ordinal);
        RecordField Field(string? id, string setting, params RecordFieldKind[] kinds)
        {
            if (string.IsNullOrWhiteSpace(id) || !byId.TryGetValue(id, out var field))
            {
                throw Problem(source, $"{setting} must name a field of record.fields ({string.Join(", ", byId.Keys)}); it is '{id}'.");
            }

            return kinds.Length == 0 || kinds.Contains(field.Kind)
                ? field
                : throw Problem(source, $"{setting} names field '{id}', which is {Kind(field.Kind)}; it must be {string.Join(" or ", kinds.Select(Kind))}.");
        }

        var recordId = Field(json.RecordId, "record.recordId", RecordFieldKind.Text);
        var period = Field(json.Period, "record.period", RecordFieldKind.Date);
        var personKey = json.PersonKey is null ? null : Field(json.PersonKey, "record.personKey", RecordFieldKind.Text);
        RecordScope? scope = null;
        if (json.Scope is { } scopeJson)
        {
            scope = new RecordScope(Field(scopeJson.Field, "record.scope.field", RecordFieldKind.Text), scopeJson.In ?? [], scopeJson.Out ?? []);
            if (scope.In.Count == 0)
            {
                throw Problem(source, "record.scope.in lists the values of the records counted.");
            }
        }

        var derivations = new Derivation[dimensions.Count];
        foreach (var (derivationJson, i) in (json.Derivations ?? []).Select((d, i) => (d, i)))
        {
            var setting = $"record.derivations[{i}]";
            var index = dimensions.Select(d => d.Id).ToList().IndexOf(derivationJson.Dimension ?? string.Empty);
            if (index < 0)
            {
                throw Problem(source, $"{setting}.dimension must name a dimension ({string.Join(", ", dimensions.Select(d => d.Id))}); it is '{derivationJson.Dimension}'.");
            }

            if (derivations[index] is not null)
            {
                throw Problem(source, $"{setting}: dimension '{derivationJson.Dimension}' already has a derivation.");
            }

            var derivation = ParseDerivation(derivationJson, dimensions[index], setting, Field, source);
            foreach (var code in derivation.Codes.Where(c => !dimensions[index].Contains(c)).Distinct())
            {
                throw Problem(source, $"{setting} gives code '{code}', which is not a code of dimension '{dimensions[index].Id}'.");
            }

            derivations[index] = derivation;
        }

        if (dimensions.Where((d, i) => derivations[i] is null).FirstOrDefault() is { } underived)
        {
            throw Problem(source, $"record.derivations has no derivation for dimension '{underived.Id}': every dimension's code is derived from the record.");
        }

        if (json.SourceVocabulary is { } vocabulary && vocabulary != Records.HtcdsCaseRecordFields.Vocabulary)
        {
            throw Problem(source, $"record.sourceVocabulary '{vocabulary}' is unknown; the known one is '{Records.HtcdsCaseRecordFields.Vocabulary}' (or leave it out: adapters map columns to fields).");
        }

        var definition = new RecordDefinition(fields, recordId, period, personKey, scope, derivations, json.SourceVocabulary);
        if (json.SourceVocabulary is not null && Records.HtcdsCaseRecordFields.FindProblem(definition) is { } vocabularyProblem)
        {
            throw Problem(source, $"record.sourceVocabulary: {vocabularyProblem}");
        }

        return definition;
    }

    private static RecordField ParseField(FieldJson json, int index, string source)
    {
        var setting = $"record.fields[{index}]";
        if (string.IsNullOrWhiteSpace(json.Id) || !json.Id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            throw Problem(source, $"{setting}.id must be a name of lower-case letters, digits and '_', such as \"decision_date\"; it is '{json.Id}'.");
        }

        RecordFieldKind kind = json.Kind switch
        {
            "text" => RecordFieldKind.Text,
            "list" => RecordFieldKind.List,
            "date" => RecordFieldKind.Date,
            "number" => RecordFieldKind.Number,
            _ => throw Problem(source, $"{setting}.kind must be text, list, date or number; it is '{json.Kind}'."),
        };
        Regex? pattern = null;
        if (json.Pattern is not null)
        {
            try
            {
                pattern = new Regex(json.Pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException e)
            {
                throw Problem(source, $"{setting}.pattern is not a regular expression: {e.Message}");
            }

            if (string.IsNullOrWhiteSpace(json.PatternMeaning))
            {
                throw Problem(source, $"{setting}.patternMeaning says in words what the pattern accepts, such as \"an ISO 3166 alpha-2 country code\".");
            }
        }

        if (json.NotInFuture == true && kind != RecordFieldKind.Date)
        {
            throw Problem(source, $"{setting}.notInFuture applies to a date field only.");
        }

        return new RecordField(
            index, json.Id, json.Name ?? RecordField.NameOf(json.Id), kind, json.Required ?? false, json.NotInFuture ?? false,
            json.Identifying ?? false, json.Values, pattern, json.PatternMeaning);
    }

    private static Derivation ParseDerivation(
        DerivationJson json, DimensionDefinition dimension, string setting, Func<string?, string, RecordFieldKind[], RecordField> field, string source)
    {
        var given = new[] { json.Field is not null, json.Age is not null, json.DaysBetween is not null, json.Number is not null, json.Rules is not null };
        if (given.Count(g => g) != 1)
        {
            throw Problem(source, $"{setting} takes exactly one of field (with map), age, daysBetween, number or rules.");
        }

        IReadOnlyList<FieldCondition>? when = json.When is null ? null : [.. json.When.Select((c, i) => Condition(c, $"{setting}.when[{i}]", field))];
        if ((when is null) != (json.Otherwise is null) && json.Rules is null)
        {
            throw Problem(source, $"{setting}: when and otherwise go together (the code when the condition does not hold).");
        }

        string Blank() => json.Blank ?? throw Problem(source, $"{setting}.blank is the code of a record whose value is not known, such as \"UNKNOWN\".");
        IReadOnlyList<Band> Bands()
        {
            var bands = json.Bands ?? [];
            if (bands.Length == 0 || bands[^1].Below is not null || bands[..^1].Any(b => b.Below is null)
                || bands[..^1].Select(b => b.Below!.Value).Zip(bands[1..^1].Select(b => b.Below!.Value)).Any(p => p.First >= p.Second))
            {
                throw Problem(source, $"{setting}.bands lists bands with increasing \"below\" limits and a last band without one, such as [{{ \"below\": 18, \"code\": \"UNDER_18\" }}, {{ \"code\": \"ADULT\" }}].");
            }

            return [.. bands.Select(b => new Band(b.Below, b.Code ?? throw Problem(source, $"{setting}.bands: every band needs its code.")))];
        }

        if (json.Field is not null)
        {
            var source_ = field(json.Field, setting + ".field", [RecordFieldKind.Text, RecordFieldKind.List]);
            IReadOnlyList<KeyValuePair<string, string>> map = json.Map is { } m
                ? [.. m]
                : [.. dimension.Codes.Select(c => KeyValuePair.Create(c.Code, c.Code))];
            if ((json.Several is not null) != (source_.Kind == RecordFieldKind.List))
            {
                throw Problem(source, $"{setting}.several is the code of a list field whose values give more than one code (a list field only, and it needs one).");
            }

            return new CodeDerivation(dimension, when, json.Otherwise, source_, map, Blank(), json.Several);
        }

        if (json.Age is { } age)
        {
            return new AgeDerivation(
                dimension, when, json.Otherwise,
                field(age.BirthDate, setting + ".age.birthDate", [RecordFieldKind.Date]),
                field(age.OnDate, setting + ".age.onDate", [RecordFieldKind.Date]),
                age.Maximum ?? 120, Bands(), Blank());
        }

        if (json.DaysBetween is { } days)
        {
            return new DaysBetweenDerivation(
                dimension, when, json.Otherwise,
                field(days.From, setting + ".daysBetween.from", [RecordFieldKind.Date]),
                field(days.To, setting + ".daysBetween.to", [RecordFieldKind.Date]),
                Bands(), Blank());
        }

        if (json.Number is { } number)
        {
            return new NumberDerivation(dimension, when, json.Otherwise, field(number, setting + ".number", [RecordFieldKind.Number]), Bands(), Blank());
        }

        var rules = json.Rules!.Select((r, i) => (
            Condition(new ConditionJson(r.Field, r.In, r.Contains), $"{setting}.rules[{i}]", field),
            r.Code ?? throw Problem(source, $"{setting}.rules[{i}].code must be set."))).ToArray();
        return new RulesDerivation(dimension, rules, json.Otherwise ?? throw Problem(source, $"{setting}.otherwise is the code when no rule holds."));
    }

    private static FieldCondition Condition(ConditionJson json, string setting, Func<string?, string, RecordFieldKind[], RecordField> field) =>
        new(field(json.Field, setting + ".field", [RecordFieldKind.Text, RecordFieldKind.List]), json.In, json.Contains);

    private static string Kind(RecordFieldKind kind) => kind.ToString().ToLowerInvariant();

    private static InvalidDataException Problem(string source, string message) => new($"{source}: {message}");

    internal sealed record RecordJson(
        string? SourceVocabulary,
        string? RecordId,
        string? Period,
        string? PersonKey,
        FieldJson[]? Fields,
        ScopeJson? Scope,
        DerivationJson[]? Derivations);

    internal sealed record FieldJson(
        string? Id, string? Name, string? Kind, bool? Required, bool? NotInFuture, bool? Identifying, string[]? Values, string? Pattern, string? PatternMeaning);

    internal sealed record ScopeJson(string? Field, string[]? In, string[]? Out);

    internal sealed record DerivationJson(
        string? Dimension,
        string? Field,
        Dictionary<string, string>? Map,
        string? Several,
        AgeJson? Age,
        DaysBetweenJson? DaysBetween,
        string? Number,
        BandJson[]? Bands,
        RuleJson[]? Rules,
        string? Blank,
        ConditionJson[]? When,
        string? Otherwise);

    internal sealed record AgeJson(string? BirthDate, string? OnDate, int? Maximum);

    internal sealed record DaysBetweenJson(string? From, string? To);

    internal sealed record BandJson(long? Below, string? Code);

    internal sealed record RuleJson(string? Field, string[]? In, string? Contains, string? Code);

    internal sealed record ConditionJson(string? Field, string[]? In, string? Contains);
}
