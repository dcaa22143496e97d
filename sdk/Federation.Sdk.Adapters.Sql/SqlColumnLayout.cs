using System.Data.Common;
using System.Globalization;
using Federation.Sdk.Records;

namespace Federation.Sdk.Adapters.Sql;

/// <summary>Where each case-record field is in a query's result, and how a row's values become a <see cref="CaseRecord"/>.</summary>
internal sealed class SqlColumnLayout
{
    private enum Field
    {
        CaseId,
        PersonName,
        PersonKey,
        BirthDate,
        IdentificationDate,
        Gender,
        ExploitationTypes,
        IndigenousIdentity,
        Citizenship,
        ResidenceStatus,
        RelationshipToTrafficker,
        TraffickingStatus,
    }

    private readonly char _listSeparator;

    // Ordinals ascending: SequentialAccess reads each column once, in order.
    private readonly (int Ordinal, string Column, Field Field)[] _columns;

    public SqlColumnLayout(DbDataReader reader, SqlCaseSourceOptions options, string source)
    {
        _listSeparator = options.ListSeparator;
        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        var columns = options.Columns;
        var wanted = new (string Column, Field Field, bool Required)[]
        {
            (columns.CaseId, Field.CaseId, true),
            (columns.PersonName, Field.PersonName, false),
            (columns.PersonKey, Field.PersonKey, false),
            (columns.BirthDate, Field.BirthDate, true),
            (columns.IdentificationDate, Field.IdentificationDate, true),
            (columns.Gender, Field.Gender, true),
            (columns.ExploitationTypes, Field.ExploitationTypes, true),
            (columns.IndigenousIdentity, Field.IndigenousIdentity, true),
            (columns.Citizenship, Field.Citizenship, true),
            (columns.ResidenceStatus, Field.ResidenceStatus, true),
            (columns.RelationshipToTrafficker, Field.RelationshipToTrafficker, true),
            (columns.TraffickingStatus, Field.TraffickingStatus, true),
        };
        var found = wanted
            .Select(w => (Ordinal: Array.FindIndex(names, n => string.Equals(n, w.Column.Trim(), StringComparison.OrdinalIgnoreCase)), w.Column, w.Field, w.Required))
            .ToArray();
        var missing = found.Where(f => f.Ordinal < 0 && f.Required).Select(f => $"'{f.Column}'").ToArray();
        if (missing.Length > 0)
        {
            throw new SqlSourceException(
                $"{source}: the query's result has no column {string.Join(", ", missing)} (it has {string.Join(", ", names)}); name the columns in the query or in the columns option.");
        }

        _columns = found.Where(f => f.Ordinal >= 0).Select(f => (f.Ordinal, names[f.Ordinal], f.Field)).OrderBy(f => f.Ordinal).ToArray();
    }

    public SourceRow ToRow(DbDataReader reader, string location)
    {
        var problems = new List<string>();
        var values = new Dictionary<Field, object?>();
        foreach (var (ordinal, column, field) in _columns)
        {
            try
            {
                values[field] = reader.IsDBNull(ordinal) ? null : reader.GetValue(ordinal);
            }
            catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException or NotSupportedException or ArgumentException)
            {
                problems.Add($"{column}: the value cannot be read ({e.Message})");
            }
        }

        var record = new CaseRecord
        {
            CaseId = Text(values, Field.CaseId) ?? string.Empty,
            PersonName = Text(values, Field.PersonName),
            PersonKey = Text(values, Field.PersonKey),
            BirthDate = Date(values, Field.BirthDate, problems),
            IdentificationDate = Date(values, Field.IdentificationDate, problems),
            Gender = Text(values, Field.Gender),
            TypesOfExploitation = List(values, Field.ExploitationTypes),
            IndigenousIdentity = Text(values, Field.IndigenousIdentity),
            Citizenship = List(values, Field.Citizenship),
            ResidenceStatus = Text(values, Field.ResidenceStatus),
            RelationshipToTrafficker = Text(values, Field.RelationshipToTrafficker),
            TraffickingStatus = Text(values, Field.TraffickingStatus),
        };
        return problems.Count == 0 ? SourceRow.Read(location, record) : SourceRow.Unreadable(location, string.Join("; ", problems));
    }

    private string ColumnOf(Field field) => _columns.First(c => c.Field == field).Column;

    private static string? Text(Dictionary<Field, object?> values, Field field) =>
        values.GetValueOrDefault(field) switch
        {
            null => null,
            string text => CaseFieldValues.Text(text),
            IFormattable formattable => CaseFieldValues.Text(formattable.ToString(null, CultureInfo.InvariantCulture)),
            var other => CaseFieldValues.Text(other.ToString()),
        };

    private string[] List(Dictionary<Field, object?> values, Field field) =>
        values.GetValueOrDefault(field) switch
        {
            null => [],
            string text => CaseFieldValues.List(text, _listSeparator),
            // A PostgreSQL text[] column holds the list itself.
            string?[] array => array.Select(CaseFieldValues.Text).OfType<string>().ToArray(),
            var other => CaseFieldValues.List(Text(values, field), _listSeparator),
        };

    private DateOnly? Date(Dictionary<Field, object?> values, Field field, List<string> problems) =>
        values.GetValueOrDefault(field) switch
        {
            null => null,
            DateOnly date => date,
            DateTime time => DateOnly.FromDateTime(time),
            DateTimeOffset time => DateOnly.FromDateTime(time.DateTime),
            string text => CaseFieldValues.Date(text, CaseFieldValues.FieldName(ColumnOf(field), field.ToString()), problems),
            var other => Unreadable(other, CaseFieldValues.FieldName(ColumnOf(field), field.ToString()), problems),
        };

    private static DateOnly? Unreadable(object value, string column, List<string> problems)
    {
        problems.Add($"{column}: a {value.GetType().Name} value is not a date (a date column, or text in {CaseFieldValues.DateFormat} form)");
        return null;
    }
}
