using System.Globalization;
using Federation.Sdk.Catalog;
using Federation.Sdk.Synthetic;

namespace Federation.Sdk.Testing;

/// <summary>
/// Records of any catalogue dataset, made from its record definition alone (no dataset-specific code), as the record
/// source conformance suite stores them: each row holds, for each field in <see cref="Columns"/> order, its text (a date
/// as yyyy-MM-dd, a number in invariant form), its values (a list field), or null (blank). Valid records take their codes
/// from the catalogue (a field's allowed values, its derivation's map, the record's scope), dates inside the reference
/// year with the fields derived from them (age, days between) in range; identifying text fields hold made-up,
/// recognisable values so the suite can prove none reaches a submission.
/// </summary>
public sealed class ConformanceRecords
{
    private ConformanceRecords(DatasetDefinition dataset, IReadOnlyList<string> columns, List<object?[]> rows)
    {
        Dataset = dataset;
        Record = dataset.Record!;
        Columns = columns;
        Rows = rows;
    }

    public DatasetDefinition Dataset { get; }

    public RecordDefinition Record { get; }

    /// <summary>The store's column of each field, by field position: some named like the field, some not (the adapter's columns option maps those).</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The rows, each a value per field position: a string, a string array (list fields) or null.</summary>
    public IReadOnlyList<object?[]> Rows { get; }

    /// <summary>The fields whose column is not named like the field: field id to column name, as a columns option gives it.</summary>
    public IReadOnlyDictionary<string, string> ColumnsOption =>
        Record.Fields.Where(f => Columns[f.Index] != f.Id).ToDictionary(f => f.Id, f => Columns[f.Index], StringComparer.Ordinal);

    /// <summary>A row's value of a field as text: a list joined by <paramref name="listSeparator"/>, null when blank.</summary>
    public static string? Text(object?[] row, RecordField field, char listSeparator = ';') => row[field.Index] switch
    {
        string[] list => list.Length == 0 ? null : string.Join(listSeparator, list),
        var value => (string?)value,
    };

    /// <summary>Writes the records as the CSV adapter reads them: a header of <see cref="Columns"/>, lists ';'-separated, blank as empty.</summary>
    public void WriteCsv(string path)
    {
        using var writer = CsvText.Create(path);
        CsvText.WriteLine(writer, Columns);
        foreach (var row in Rows)
        {
            CsvText.WriteLine(writer, Record.Fields.Select(f => Text(row, f) ?? string.Empty));
        }
    }

    /// <summary>The record id of a row.</summary>
    public string RecordIdOf(object?[] row) => (string)row[Record.RecordId.Index]!;

    /// <summary><paramref name="count"/> valid records of <paramref name="dataset"/>, half in each of two reference years, the same for the same seed.</summary>
    public static ConformanceRecords Valid(DatasetDefinition dataset, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var record = dataset.Record ?? throw new ArgumentException($"Dataset '{dataset.Id}' has no record definition.", nameof(dataset));

        // Every other field (never the record id) is stored under a column of its own name, which the columns option maps.
        var columns = record.Fields.Select(f => f.Index % 2 == 1 && f != record.RecordId ? "Src" + f.Name : f.Id).ToArray();
        var random = new Random(seed);
        var rows = new List<object?[]>();
        for (var i = 0; i < count; i++)
        {
            rows.Add(ValidRow(dataset, random, $"CONF-{seed}-{i + 1:D4}", i < count / 2 ? 2022 : 2023));
        }

        return new ConformanceRecords(dataset, columns, rows);
    }

    /// <summary>These records with <paramref name="row"/> inserted at <paramref name="position"/>.</summary>
    public ConformanceRecords With(int position, object?[] row)
    {
        var rows = Rows.ToList();
        rows.Insert(position, row);
        return new ConformanceRecords(Dataset, Columns, rows);
    }

    /// <summary>A new valid row for the defects the suite plants.</summary>
    public object?[] NewValidRow(string recordId, int seed) => ValidRow(Dataset, new Random(seed), recordId, 2023);

    private static object?[] ValidRow(DatasetDefinition dataset, Random random, string recordId, int year)
    {
        var record = dataset.Record!;
        var row = new object?[record.Fields.Count];
        var period = dataset.PeriodType.Start(year).AddDays(random.Next(30, 330));
        row[record.RecordId.Index] = recordId;
        row[record.Period.Index] = Date(period);
        foreach (var field in record.Fields.Where(f => f != record.RecordId && f != record.Period))
        {
            row[field.Index] = ValueOf(record, field, period, random);
        }

        return row;
    }

    private static object? ValueOf(RecordDefinition record, RecordField field, DateOnly period, Random random)
    {
        var derivations = record.Derivations.Where(d => d.Reads.Contains(field)).ToArray();
        switch (field.Kind)
        {
            case RecordFieldKind.Date:
                if (derivations.OfType<AgeDerivation>().FirstOrDefault(a => a.BirthDate == field) is { } age)
                {
                    return Date(period.AddYears(-random.Next(18, Math.Min(70, age.MaximumAge))).AddDays(-random.Next(0, 360)));
                }

                if (derivations.OfType<DaysBetweenDerivation>().Any(d => d.From == field))
                {
                    return Date(period.AddDays(-random.Next(0, 900)));
                }

                return Date(period);
            case RecordFieldKind.Number:
                return random.Next(0, 3000).ToString(CultureInfo.InvariantCulture);
        }

        var choices = ChoicesFor(record, field, derivations);
        if (choices.Count == 0)
        {
            // A free text field: identifying ones hold a recognisable made-up value, others are left blank.
            return field.Identifying ? string.Create(CultureInfo.InvariantCulture, $"Zq{field.Name}{random.Next(100000, 999999)}") : null;
        }

        var value = choices[random.Next(choices.Count)];
        return field.Kind == RecordFieldKind.List ? new[] { value } : value;
    }

    // The values a field may hold: its own list, the record's scope, or the source values its derivations map.
    private static List<string> ChoicesFor(RecordDefinition record, RecordField field, Derivation[] derivations)
    {
        if (record.Scope is { } scope && scope.Field == field)
        {
            return [.. scope.In];
        }

        if (field.Values is { Count: > 0 } values)
        {
            return [.. values];
        }

        if (derivations.OfType<CodeDerivation>().FirstOrDefault(d => d.Field == field) is { } code)
        {
            return code.Map.Count > 0
                ? [.. code.Map.Select(m => m.Key)]
                : [.. code.Dimension.Codes.Select(c => c.Code).Where(c => c != code.Blank && c != code.Several && c != code.Otherwise)];
        }

        return [];
    }

    private static string Date(DateOnly date) => date.ToString(Records.DatasetRecord.DateFormat, CultureInfo.InvariantCulture);
}
