using Federation.Sdk.Records;

namespace Federation.Sdk.Adapters.Csv;

/// <summary>Where each case-record field is in a file's header, and how a record's fields become a <see cref="CaseRecord"/>.</summary>
internal sealed class CsvColumnLayout
{
    private readonly string[] _header;
    private readonly char _listSeparator;
    private readonly int _caseId;
    private readonly int? _personName;
    private readonly int? _personKey;
    private readonly int _birthDate;
    private readonly int _identificationDate;
    private readonly int _gender;
    private readonly int _exploitationTypes;
    private readonly int _indigenousIdentity;
    private readonly int _citizenship;
    private readonly int _residenceStatus;
    private readonly int _relationshipToTrafficker;
    private readonly int _traffickingStatus;

    public CsvColumnLayout(IReadOnlyList<string> header, CsvCaseSourceOptions options, string source)
    {
        _header = header.Select(h => h.Trim()).ToArray();
        _listSeparator = options.ListSeparator;
        var duplicate = _header.GroupBy(h => h, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"{source}: the header names column '{duplicate.Key}' twice.");
        }

        var missing = new List<string>();
        int Required(string name)
        {
            var index = IndexOf(name);
            if (index < 0)
            {
                missing.Add(name);
            }

            return index;
        }

        var columns = options.Columns;
        _caseId = Required(columns.CaseId);
        _birthDate = Required(columns.BirthDate);
        _identificationDate = Required(columns.IdentificationDate);
        _gender = Required(columns.Gender);
        _exploitationTypes = Required(columns.ExploitationTypes);
        _indigenousIdentity = Required(columns.IndigenousIdentity);
        _citizenship = Required(columns.Citizenship);
        _residenceStatus = Required(columns.ResidenceStatus);
        _relationshipToTrafficker = Required(columns.RelationshipToTrafficker);
        _traffickingStatus = Required(columns.TraffickingStatus);
        _personName = IndexOf(columns.PersonName) is var personName and >= 0 ? personName : null;
        _personKey = IndexOf(columns.PersonKey) is var personKey and >= 0 ? personKey : null;
        if (missing.Count > 0)
        {
            throw new InvalidDataException(
                $"{source}: required column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))} missing from the header " +
                $"({string.Join(", ", _header)}).");
        }
    }

    /// <summary>The column of an HTCDS field (<see cref="HtcdsCaseRecordFields"/> ids), or -1 when an optional column is absent or the field is not HTCDS's.</summary>
    public int ColumnOf(string fieldId) => fieldId switch
    {
        "case_id" => _caseId,
        "person_name" => _personName ?? -1,
        "person_key" => _personKey ?? -1,
        "birth_date" => _birthDate,
        "identification_date" => _identificationDate,
        "gender" => _gender,
        "types_of_exploitation" => _exploitationTypes,
        "indigenous_identity" => _indigenousIdentity,
        "citizenship" => _citizenship,
        "residence_status" => _residenceStatus,
        "relationship_to_trafficker" => _relationshipToTrafficker,
        "trafficking_status" => _traffickingStatus,
        _ => -1,
    };

    public SourceRow ToRow(CsvRecord record, string location)
    {
        if (record.Error is not null)
        {
            return SourceRow.Unreadable(location, record.Error);
        }

        var fields = record.Fields;
        if (fields.Count != _header.Length)
        {
            return SourceRow.Unreadable(location, $"the row has {fields.Count} fields but the header has {_header.Length}");
        }

        var problems = new List<string>();
        var caseRecord = new CaseRecord
        {
            CaseId = Text(fields, _caseId) ?? string.Empty,
            PersonName = _personName is { } personName ? Text(fields, personName) : null,
            PersonKey = _personKey is { } personKey ? Text(fields, personKey) : null,
            BirthDate = Date(fields, _birthDate, nameof(CaseRecord.BirthDate), problems),
            IdentificationDate = Date(fields, _identificationDate, nameof(CaseRecord.IdentificationDate), problems),
            Gender = Text(fields, _gender),
            TypesOfExploitation = List(fields, _exploitationTypes),
            IndigenousIdentity = Text(fields, _indigenousIdentity),
            Citizenship = List(fields, _citizenship),
            ResidenceStatus = Text(fields, _residenceStatus),
            RelationshipToTrafficker = Text(fields, _relationshipToTrafficker),
            TraffickingStatus = Text(fields, _traffickingStatus),
        };
        return problems.Count == 0 ? SourceRow.Read(location, caseRecord) : SourceRow.Unreadable(location, string.Join("; ", problems));
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < _header.Length; i++)
        {
            if (string.Equals(_header[i], name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static string? Text(IReadOnlyList<string> fields, int index) => CaseFieldValues.Text(fields[index]);

    private string[] List(IReadOnlyList<string> fields, int index) => CaseFieldValues.List(fields[index], _listSeparator);

    private DateOnly? Date(IReadOnlyList<string> fields, int index, string property, List<string> problems) =>
        CaseFieldValues.Date(fields[index], CaseFieldValues.FieldName(_header[index], property), problems);
}
