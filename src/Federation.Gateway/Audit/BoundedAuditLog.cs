using System.Globalization;
using System.Text;

namespace Federation.Gateway.Audit;

/// <summary>
/// Stands in front of an audit store so no caller can flood it (<see cref="AuditRefusalLimit"/>: every field bounded
/// and escaped, refusals beyond <see cref="MaxRefusalsPerMinute"/> in a minute counted and stored as one summary record
/// when the minute ends), for a host whose records are few (the token server). The gateway applies the same limit in
/// its audit writer (<see cref="BatchedAuditLog"/>), off the request path.
/// </summary>
public sealed class BoundedAuditLog(IAuditLog store, TimeProvider timeProvider) : IAuditLog
{
    public const int MaxRefusalsPerMinute = 120;
    public const int MaxClientIdLength = 256;
    public const int MaxMethodLength = 256;
    public const int MaxParametersLength = 4096;
    public const int MaxOutcomeLength = 64;
    public const int MaxDetailLength = 1024;

    /// <summary>The method name of a summary record.</summary>
    public const string SummaryMethod = "(refusals over the audit limit)";

    private readonly AuditRefusalLimit _limit = new();

    public async Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var admitted = new List<AuditRecord>(2);
        _limit.Admit(record, admitted);
        foreach (var stored in admitted)
        {
            await store.AppendAsync(stored, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        // A minute that has ended is summarised before anyone reads, even if no record came after it.
        if (_limit.EndedMinuteSummary(timeProvider.GetUtcNow()) is { } summary)
        {
            await store.AppendAsync(summary, cancellationToken);
        }

        return await store.ReadAsync(query, cancellationToken);
    }

    /// <summary>Escapes control and format characters and cuts the text to <paramref name="maxLength"/> characters.</summary>
    public static string Bound(string? text, int maxLength)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var escaped = new StringBuilder(Math.Min(text.Length, maxLength) + 8);
        var truncated = false;
        foreach (var c in text)
        {
            if (escaped.Length >= maxLength)
            {
                truncated = true;
                break;
            }

            if (c == '\\')
            {
                escaped.Append(@"\\");
            }
            else if (char.IsControl(c) || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                escaped.Append(c);
            }
        }

        if (escaped.Length > maxLength)
        {
            escaped.Length = maxLength;
            truncated = true;
        }

        return truncated ? escaped.Append("...").ToString() : escaped.ToString();
    }
}

/// <summary>
/// The audit log's protection against floods: every field bounded and escaped (no control characters, so a record
/// cannot forge another line; <see cref="BoundedAuditLog.Bound"/>), and refusals beyond <see
/// cref="BoundedAuditLog.MaxRefusalsPerMinute"/> in a minute counted rather than stored one by one; the count is
/// stored as one summary record when the minute ends. Records of accepted calls are always stored. Thread-safe.
/// </summary>
public sealed class AuditRefusalLimit
{
    private const int MaxClientsNamedInSummary = 10;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _countedByClient = new(StringComparer.Ordinal);
    private DateTimeOffset _minute = DateTimeOffset.MinValue;
    private int _storedRefusals;
    private long _counted;

    /// <summary>Adds to <paramref name="admitted"/> what to store for <paramref name="record"/>: the summary of a minute it ends, and itself bounded unless it is a refusal over the limit.</summary>
    public void Admit(AuditRecord record, ICollection<AuditRecord> admitted)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(admitted);
        AuditRecord? bounded = record with
        {
            ClientId = BoundedAuditLog.Bound(record.ClientId, BoundedAuditLog.MaxClientIdLength),
            Method = BoundedAuditLog.Bound(record.Method, BoundedAuditLog.MaxMethodLength),
            Parameters = BoundedAuditLog.Bound(record.Parameters, BoundedAuditLog.MaxParametersLength),
            Outcome = BoundedAuditLog.Bound(record.Outcome, BoundedAuditLog.MaxOutcomeLength),
            Detail = BoundedAuditLog.Bound(record.Detail, BoundedAuditLog.MaxDetailLength),
        };

        lock (_lock)
        {
            if (StartMinuteIfDue(bounded.Time) is { } summary)
            {
                admitted.Add(summary);
            }

            if (bounded.Refused && _storedRefusals >= BoundedAuditLog.MaxRefusalsPerMinute)
            {
                _counted++;
                if (_countedByClient.Count < 1_000 || _countedByClient.ContainsKey(bounded.ClientId))
                {
                    _countedByClient[bounded.ClientId] = _countedByClient.GetValueOrDefault(bounded.ClientId) + 1;
                }

                return;
            }

            if (bounded.Refused)
            {
                _storedRefusals++;
            }

            admitted.Add(bounded);
        }
    }

    /// <summary>The summary of the counted refusals of a minute that has ended by <paramref name="now"/>, or null.</summary>
    public AuditRecord? EndedMinuteSummary(DateTimeOffset now)
    {
        lock (_lock)
        {
            return StartMinuteIfDue(now);
        }
    }

    private AuditRecord? StartMinuteIfDue(DateTimeOffset now)
    {
        var minute = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        if (minute <= _minute)
        {
            return null;
        }

        AuditRecord? summary = null;
        if (_counted > 0)
        {
            var clients = string.Join(", ", _countedByClient.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
                .Take(MaxClientsNamedInSummary).Select(c => $"{c.Key} ({c.Value})"));
            summary = new AuditRecord(
                _minute.AddMinutes(1),
                "(many)",
                BoundedAuditLog.SummaryMethod,
                $"{{\"minute\":\"{_minute.UtcDateTime:yyyy-MM-dd'T'HH:mm}Z\",\"counted\":{_counted}}}",
                "ResourceExhausted",
                BoundedAuditLog.Bound($"{_counted} refusals after the first {BoundedAuditLog.MaxRefusalsPerMinute} of the minute were counted, not stored one by one. Most by: {clients}.", BoundedAuditLog.MaxDetailLength),
                Refused: true);
        }

        _minute = minute;
        _storedRefusals = 0;
        _counted = 0;
        _countedByClient.Clear();
        return summary;
    }
}
