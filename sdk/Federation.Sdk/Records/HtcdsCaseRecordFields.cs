using System.Runtime.CompilerServices;
using Federation.Sdk.Catalog;

namespace Federation.Sdk.Records;

/// <summary>
/// The HTCDS vocabulary: how a <see cref="CaseRecord"/> (the Human Trafficking Case Data Standard record that case
/// record adapters give) fills the fields of a dataset whose catalogue record says <c>"sourceVocabulary": "htcds"</c>.
/// It only places values; which values are valid and which codes they give is the catalogue's.
/// </summary>
public static class HtcdsCaseRecordFields
{
    public const string Vocabulary = "htcds";

    private static readonly (string Id, RecordFieldKind Kind, Action<DatasetRecord, RecordField, CaseRecord> Set)[] s_fields =
    [
        ("case_id", RecordFieldKind.Text, (r, f, c) => r.Set(f, c.CaseId)),
        ("person_name", RecordFieldKind.Text, (r, f, c) => r.Set(f, c.PersonName)),
        ("person_key", RecordFieldKind.Text, (r, f, c) => r.Set(f, c.PersonKey)),
        ("birth_date", RecordFieldKind.Date, (r, f, c) => r.SetDate(f, c.BirthDate)),
        ("identification_date", RecordFieldKind.Date, (r, f, c) => r.SetDate(f, c.IdentificationDate)),
        ("gender", RecordFieldKind.Text, (r, f, c) => r.Set(f, c.Gender)),
        ("types_of_exploitation", RecordFieldKind.List, (r, f, c) => r.SetList(f, c.TypesOfExploitation)),
        ("indigenous_identity", RecordFieldKind.Text, (r, f, c) => r.Set(f, c.IndigenousIdentity)),
        ("citizenship", RecordFieldKind.List, (r, f, c) => r.SetList(f, c.Citizenship)),
        ("residence_status", RecordFieldKind.Text, (r, f, c) => r.Set(f, c.ResidenceStatus)),
        ("relationship_to_trafficker", RecordFieldKind.Text, (r, f, c) => r.Set(f, c.RelationshipToTrafficker)),
        ("trafficking_status", RecordFieldKind.Text, (r, f, c) => r.Set(f, c.TraffickingStatus)),
    ];

    /// <summary>Why <paramref name="record"/> cannot hold HTCDS case records (a field missing or of another kind), or null.</summary>
    public static string? FindProblem(RecordDefinition record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var problems = s_fields
            .Where(f => record.Find(f.Id) is not { } field || field.Kind != f.Kind)
            .Select(f => $"'{f.Id}' ({f.Kind.ToString().ToLowerInvariant()})")
            .ToArray();
        return problems.Length == 0 ? null : $"an HTCDS case record needs the field(s) {string.Join(", ", problems)}.";
    }

    /// <summary>The dataset record holding <paramref name="caseRecord"/>'s values.</summary>
    public static DatasetRecord ToRecord(RecordDefinition record, CaseRecord caseRecord)
    {
        ArgumentNullException.ThrowIfNull(caseRecord);
        return Fill(record, [.. s_fields.Select(f => record.Get(f.Id))], caseRecord);
    }

    private static DatasetRecord Fill(RecordDefinition record, RecordField[] fields, CaseRecord caseRecord)
    {
        var values = new DatasetRecord(record);
        for (var i = 0; i < s_fields.Length; i++)
        {
            s_fields[i].Set(values, fields[i], caseRecord);
        }

        return values;
    }

    /// <summary>A case record source's row as a row of dataset records (an unreadable row stays unreadable).</summary>
    public static RecordRow ToRecordRow(RecordDefinition record, SourceRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Record is { } caseRecord
            ? RecordRow.Read(row.Location, ToRecord(record, caseRecord))
            : RecordRow.Unreadable(row.Location, row.Error ?? "the source gave no record");
    }

    /// <summary>
    /// A case record source read as dataset records; a source that offers spans (<see cref="IRecordSpanSource"/>) still
    /// offers them.
    /// </summary>
    public static IDatasetRecordSource AsRecordSource(this ICaseRecordSource source) => new CaseRecordSource(source);

    private sealed class CaseRecordSource(ICaseRecordSource source) : IDatasetRecordSource, IRecordSpanSource
    {
        public string Name => source.Name;

        public async IAsyncEnumerable<RecordRow> ReadAsync(RecordDefinition record, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            RequireHtcds(record);
            RecordField[] fields = [.. s_fields.Select(f => record.Get(f.Id))];
            await foreach (var row in source.ReadAsync(cancellationToken).WithCancellation(cancellationToken))
            {
                yield return row.Record is { } caseRecord
                    ? RecordRow.Read(row.Location, Fill(record, fields, caseRecord))
                    : RecordRow.Unreadable(row.Location, row.Error ?? "the source gave no record");
            }
        }

        public IRecordSpanCursor? OpenSpans(RecordDefinition record)
        {
            RequireHtcds(record);
            return (source as IRecordSpanSource)?.OpenSpans(record);
        }

        private void RequireHtcds(RecordDefinition record)
        {
            if (FindProblem(record) is { } problem)
            {
                throw new ArgumentException($"Source '{source.Name}' gives HTCDS case records, but {problem}", nameof(record));
            }
        }
    }
}
