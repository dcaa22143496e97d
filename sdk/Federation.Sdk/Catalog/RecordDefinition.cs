namespace Federation.Sdk.Catalog;

/// <summary>
/// What a node reads for a dataset, from the catalogue: the record's fields, which field says the record's reference
/// period, which one identifies it, which records are in scope, and how each dimension's code is derived from the
/// fields. Every dataset goes through the same reading, validation and aggregation code driven by this definition.
/// </summary>
public sealed class RecordDefinition
{
    private readonly Dictionary<string, RecordField> _byId;

    public RecordDefinition(
        IReadOnlyList<RecordField> fields,
        RecordField recordId,
        RecordField period,
        RecordField? personKey,
        RecordScope? scope,
        IReadOnlyList<Derivation> derivations,
        string? sourceVocabulary)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(recordId);
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(derivations);
        Fields = fields;
        _byId = fields.ToDictionary(f => f.Id, StringComparer.Ordinal);
        RecordId = recordId;
        Period = period;
        PersonKey = personKey;
        Scope = scope;
        Derivations = derivations;
        SourceVocabulary = sourceVocabulary;
    }

    /// <summary>The fields, in the order a record holds them (<see cref="RecordField.Index"/>).</summary>
    public IReadOnlyList<RecordField> Fields { get; }

    /// <summary>The field that identifies a record in its source (unique across a node's sources of the dataset).</summary>
    public RecordField RecordId { get; }

    /// <summary>The date field whose reference year (by the dataset's period type) the record counts in.</summary>
    public RecordField Period { get; }

    /// <summary>The source's identifier of the unit of privacy (optional); bounds each to one record per reference year.</summary>
    public RecordField? PersonKey { get; }

    /// <summary>Which records are counted at all, by the value of one field (optional: every valid record is in scope).</summary>
    public RecordScope? Scope { get; }

    /// <summary>One derivation per dimension of the dataset, in the dataset's dimension order.</summary>
    public IReadOnlyList<Derivation> Derivations { get; }

    /// <summary>
    /// The source vocabulary whose records adapters give for this dataset ("htcds" for victims: HTCDS case records,
    /// <see cref="Records.CaseRecord"/>), or null when adapters map source columns to these fields by configuration.
    /// </summary>
    public string? SourceVocabulary { get; }

    public RecordField? Find(string id) => _byId.GetValueOrDefault(id);

    public RecordField Get(string id) =>
        Find(id) ?? throw new KeyNotFoundException($"The record has no field '{id}'; its fields are {string.Join(", ", Fields.Select(f => f.Id))}.");
}

/// <summary>How a field is written in a source.</summary>
public enum RecordFieldKind
{
    /// <summary>A single value.</summary>
    Text,

    /// <summary>Several values (a list; adapters split it, CSV by its list separator).</summary>
    List,

    /// <summary>A date, yyyy-MM-dd.</summary>
    Date,

    /// <summary>A whole number of 0 or more.</summary>
    Number,
}

/// <summary>
/// One field of a dataset's record. <see cref="Name"/> is how quarantine reasons name it (the id in PascalCase unless
/// the catalogue says otherwise). With <see cref="Values"/>, a value must be one of them (case-insensitive); with
/// <see cref="Pattern"/>, every value must match it.
/// </summary>
public sealed record RecordField(
    int Index,
    string Id,
    string Name,
    RecordFieldKind Kind,
    bool Required,
    bool NotInFuture,
    bool Identifying,
    IReadOnlyList<string>? Values,
    System.Text.RegularExpressions.Regex? Pattern,
    string? PatternMeaning)
{
    /// <summary>The name reasons use for a field id: "identification_date" is "IdentificationDate".</summary>
    public static string NameOf(string id) =>
        string.Concat(id.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(part => char.ToUpperInvariant(part[0]) + part[1..]));

    public override string ToString() => Id;
}

/// <summary>A record is counted when <see cref="Field"/> is one of <see cref="In"/>, left out when one of <see cref="Out"/>; anything else is quarantined.</summary>
public sealed record RecordScope(RecordField Field, IReadOnlyList<string> In, IReadOnlyList<string> Out)
{
    public IEnumerable<string> KnownValues => In.Concat(Out);
}

/// <summary>
/// A condition on one field: its value is one of <see cref="In"/>, or its list contains <see cref="Contains"/>, or
/// (with neither) it has a value at all. Values compare case-insensitively.
/// </summary>
public sealed record FieldCondition(RecordField Field, IReadOnlyList<string>? In, string? Contains);

/// <summary>A band of a number: values below <see cref="Below"/> (the last band has none: every value left).</summary>
public sealed record Band(long? Below, string Code);

/// <summary>
/// How one dimension's code is derived from a record. With <see cref="When"/>, the derivation applies only when every
/// one of its conditions holds; otherwise the code is <see cref="Otherwise"/>.
/// </summary>
public abstract record Derivation(DimensionDefinition Dimension, IReadOnlyList<FieldCondition>? When, string? Otherwise)
{
    /// <summary>Every code this derivation can give, each checked against the dimension's code list.</summary>
    public abstract IEnumerable<string> Codes { get; }

    /// <summary>The fields it reads.</summary>
    public abstract IEnumerable<RecordField> Reads { get; }
}

/// <summary>
/// The code of a field's value: through <see cref="Map"/> (source value to code, case-insensitive), or, without a map,
/// the value is itself a code of the dimension. A list field gives <see cref="Several"/> when its values map to more
/// than one code. A blank value gives <see cref="Blank"/>; a value not in the map is a problem.
/// </summary>
public sealed record CodeDerivation(
    DimensionDefinition Dimension, IReadOnlyList<FieldCondition>? When, string? Otherwise, RecordField Field, IReadOnlyList<KeyValuePair<string, string>> Map, string Blank, string? Several)
    : Derivation(Dimension, When, Otherwise)
{
    public override IEnumerable<string> Codes => Map.Select(m => m.Value).Append(Blank).Concat(Several is null ? [] : [Several]);

    public override IEnumerable<RecordField> Reads => [Field];
}

/// <summary>The band of the age in whole years on <see cref="OnDate"/> of someone born on <see cref="BirthDate"/>; <see cref="Blank"/> when either is unknown.</summary>
public sealed record AgeDerivation(
    DimensionDefinition Dimension, IReadOnlyList<FieldCondition>? When, string? Otherwise, RecordField BirthDate, RecordField OnDate, int MaximumAge, IReadOnlyList<Band> Bands, string Blank)
    : Derivation(Dimension, When, Otherwise)
{
    public override IEnumerable<string> Codes => Bands.Select(b => b.Code).Append(Blank);

    public override IEnumerable<RecordField> Reads => [BirthDate, OnDate];
}

/// <summary>The band of the number of days from <see cref="From"/> to <see cref="To"/>; <see cref="Blank"/> when either is unknown.</summary>
public sealed record DaysBetweenDerivation(
    DimensionDefinition Dimension, IReadOnlyList<FieldCondition>? When, string? Otherwise, RecordField From, RecordField To, IReadOnlyList<Band> Bands, string Blank)
    : Derivation(Dimension, When, Otherwise)
{
    public override IEnumerable<string> Codes => Bands.Select(b => b.Code).Append(Blank);

    public override IEnumerable<RecordField> Reads => [From, To];
}

/// <summary>The band of a number field; <see cref="Blank"/> when it is blank.</summary>
public sealed record NumberDerivation(
    DimensionDefinition Dimension, IReadOnlyList<FieldCondition>? When, string? Otherwise, RecordField Field, IReadOnlyList<Band> Bands, string Blank)
    : Derivation(Dimension, When, Otherwise)
{
    public override IEnumerable<string> Codes => Bands.Select(b => b.Code).Append(Blank);

    public override IEnumerable<RecordField> Reads => [Field];
}

/// <summary>The code of the first rule whose condition holds, else <see cref="Derivation.Otherwise"/>.</summary>
public sealed record RulesDerivation(DimensionDefinition Dimension, IReadOnlyList<(FieldCondition Condition, string Code)> Rules, string Otherwise)
    : Derivation(Dimension, null, Otherwise)
{
    public override IEnumerable<string> Codes => Rules.Select(r => r.Code).Append(Otherwise!);

    public override IEnumerable<RecordField> Reads => Rules.Select(r => r.Condition.Field);
}
