using System.Collections;
using Federation.Contracts.V1;
using Federation.Sdk.Catalog;
using Federation.Sdk.Submissions;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Limits;

/// <summary>
/// Refuses a request over a published limit before any work starts: the shape of every request (string sizes, list
/// lengths, valid timestamps and durations), reference years within the catalogue's range, and the rows an answer
/// would have, computed from the request alone.
/// </summary>
public sealed class RequestLimitChecker
{
    // The range google.protobuf.Timestamp and Duration define (0001-01-01 to 9999-12-31; +/- 10,000 years).
    private const long MinTimestampSeconds = -62_135_596_800;
    private const long MaxTimestampSeconds = 253_402_300_799;
    private const long MaxDurationSeconds = 315_576_000_000;

    /// <summary>Fields that carry a whole document rather than an id or a name.</summary>
    private static readonly HashSet<string> s_documentFields = new(StringComparer.Ordinal)
    {
        RegisterNodeRequest.Descriptor.FindFieldByNumber(RegisterNodeRequest.CertificatePemFieldNumber).FullName,
    };

    private readonly RequestLimits _limits;
    private readonly DatasetCatalog _catalog;
    private readonly TimeProvider _timeProvider;

    public RequestLimitChecker(IOptions<RequestLimits> limits, DatasetCatalog catalog, TimeProvider timeProvider)
    {
        _limits = limits.Value;
        _catalog = catalog;
        _timeProvider = timeProvider;
    }

    public RequestLimits Limits => _limits;

    /// <summary>The earliest reference year any request may name.</summary>
    public static int FirstReferenceYear => SubmissionValidator.EarliestReferenceYear;

    /// <summary>The latest reference year any request may name: the current year.</summary>
    public int LastReferenceYear => _timeProvider.GetUtcNow().Year;

    /// <summary>The limits as clients discover them (DescribeDataset).</summary>
    public PublishedLimits Publish() => new()
    {
        FirstReferenceYear = FirstReferenceYear,
        LastReferenceYear = LastReferenceYear,
        MaxStringLength = _limits.MaxStringLength,
        MaxDocumentLength = _limits.MaxDocumentLength,
        MaxListLength = _limits.MaxListLength,
        MaxRowsPerAnswer = _limits.MaxRowsPerAnswer,
        MaxWatchStreamsPerClient = _limits.MaxWatchStreamsPerClient,
    };

    /// <summary>Refuses (InvalidArgument) a request with an oversized string or list, or an invalid timestamp or duration, naming each field.</summary>
    public void CheckShape(IMessage request)
    {
        var violations = new List<FieldViolation>();
        CheckMessage(request, string.Empty, violations);
        if (violations.Count > 0)
        {
            throw new RequestRefusedException(RefusalKind.InvalidArgument, "The request is outside the published limits: " + violations[0].Description, violations);
        }
    }

    /// <summary>Refuses a query naming years outside the catalogue's range, or whose answer would have more rows than allowed.</summary>
    public void CheckQuery(QueryRequest request)
    {
        CheckYears(request.Years, "years");
        var dataset = _catalog.Find(request.DatasetId);
        if (dataset is null)
        {
            return; // the engine names the known datasets
        }

        var groups = 1L;
        foreach (var id in request.GroupBy.Distinct(StringComparer.Ordinal))
        {
            var dimension = dataset.FindDimension(id);
            if (dimension is null)
            {
                continue;
            }

            var filter = request.Filters.FirstOrDefault(f => f.DimensionId == dimension.Id);
            groups *= filter is null ? dimension.Codes.Count : Math.Max(1, filter.Codes.Distinct(StringComparer.Ordinal).Count(dimension.Contains));
        }

        var jurisdictions = !request.ByJurisdiction
            ? 1
            : request.Jurisdictions.Count > 0 ? request.Jurisdictions.Distinct(StringComparer.Ordinal).Count() : dataset.Jurisdictions.Count;
        CheckRows(YearCount(request.Years) * groups * jurisdictions, $"{YearCount(request.Years)} years x {groups} groups x {jurisdictions} jurisdictions");
    }

    /// <summary>Refuses a safe-housing coverage request naming years outside the catalogue's range or asking for too many rows.</summary>
    public void CheckCoverage(SafeHousingCoverageRequest request)
    {
        CheckYears(request.Years, "years");
        var jurisdictions = request.Jurisdictions.Count > 0 ? request.Jurisdictions.Distinct(StringComparer.Ordinal).Count() : Jurisdiction.All.Count;
        CheckRows(YearCount(request.Years) * (jurisdictions + 1), $"{YearCount(request.Years)} years x {jurisdictions + 1} jurisdictions and national");
    }

    private long YearCount(Google.Protobuf.Collections.RepeatedField<int> years) =>
        years.Count > 0 ? years.Distinct().Count() : LastReferenceYear - FirstReferenceYear + 1;

    private void CheckYears(Google.Protobuf.Collections.RepeatedField<int> years, string field)
    {
        var violations = new List<FieldViolation>();
        var last = LastReferenceYear;
        for (var i = 0; i < years.Count; i++)
        {
            if (years[i] < FirstReferenceYear || years[i] > last)
            {
                violations.Add(new FieldViolation($"{field}[{i}]", $"{years[i]} is not a reference year: years run from {FirstReferenceYear} to {last} (the current year)."));
            }
        }

        if (violations.Count > 0)
        {
            throw new RequestRefusedException(RefusalKind.InvalidArgument, "The request names years outside the catalogue's range: " + violations[0].Description, violations);
        }
    }

    private void CheckRows(long rows, string shape)
    {
        if (rows > _limits.MaxRowsPerAnswer)
        {
            throw new RequestRefusedException(
                RefusalKind.ResourceExhausted,
                $"The answer would have up to {rows} rows ({shape}); the limit is {_limits.MaxRowsPerAnswer} rows per answer "
                + $"({RequestLimits.SectionName}:{nameof(RequestLimits.MaxRowsPerAnswer)}). Name fewer years, groups or jurisdictions.",
                "years");
        }
    }

    private void CheckMessage(IMessage message, string prefix, List<FieldViolation> violations)
    {
        switch (message)
        {
            case Timestamp timestamp:
                if (timestamp.Seconds is < MinTimestampSeconds or > MaxTimestampSeconds || timestamp.Nanos is < 0 or > 999_999_999)
                {
                    violations.Add(new FieldViolation(prefix, "Not a valid timestamp: seconds must lie within years 0001-9999 and nanos within 0-999999999."));
                }

                return;
            case Duration duration:
                if (duration.Seconds is < -MaxDurationSeconds or > MaxDurationSeconds || duration.Nanos is < -999_999_999 or > 999_999_999
                    || (duration.Seconds > 0 && duration.Nanos < 0) || (duration.Seconds < 0 && duration.Nanos > 0))
                {
                    violations.Add(new FieldViolation(prefix, "Not a valid duration: seconds must lie within +/-315576000000, nanos within +/-999999999, with the same sign."));
                }

                return;
        }

        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var name = prefix.Length == 0 ? field.Name : $"{prefix}.{field.Name}";
            var value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                var map = (IDictionary)value;
                if (map.Count > _limits.MaxListLength)
                {
                    violations.Add(new FieldViolation(name, TooLong(field, map.Count)));
                }

                continue;
            }

            if (field.IsRepeated)
            {
                var list = (IList)value;
                if (list.Count > _limits.MaxListLength)
                {
                    violations.Add(new FieldViolation(name, TooLong(field, list.Count)));
                    continue;
                }

                for (var i = 0; i < list.Count; i++)
                {
                    CheckValue(field, list[i], $"{name}[{i}]", violations);
                }

                continue;
            }

            CheckValue(field, value, name, violations);
        }
    }

    private void CheckValue(FieldDescriptor field, object? value, string name, List<FieldViolation> violations)
    {
        switch (field.FieldType)
        {
            case FieldType.String when value is string text:
                var limit = s_documentFields.Contains(field.FullName) ? _limits.MaxDocumentLength : _limits.MaxStringLength;
                if (text.Length > limit)
                {
                    violations.Add(new FieldViolation(name,
                        $"{name} has {text.Length} characters; at most {limit} are allowed ({RequestLimits.SectionName}:"
                        + $"{(limit == _limits.MaxStringLength ? nameof(RequestLimits.MaxStringLength) : nameof(RequestLimits.MaxDocumentLength))})."));
                }

                break;
            case FieldType.Message when value is IMessage nested:
                CheckMessage(nested, name, violations);
                break;
        }
    }

    private string TooLong(FieldDescriptor field, int count) =>
        $"{field.Name} has {count} entries; at most {_limits.MaxListLength} are allowed ({RequestLimits.SectionName}:{nameof(RequestLimits.MaxListLength)}).";
}
