using System.Globalization;
using System.Text;

namespace Federation.Gateway.Audit;

/// <summary>
/// Stands in front of the audit store so no caller can flood it: every field is bounded and escaped (no control
/// characters, so a record cannot forge another line), and refusals beyond <see cref="MaxRefusalsPerMinute"/> in a
/// minute are counted rather than stored one by one; the count is stored as one summary record when the minute ends.
/// Records of accepted calls (authenticated, authorized queries) are always stored.
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

    private const int MaxClientsNamedInSummary = 10;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _countedByClient = new(StringComparer.Ordinal);
    private DateTimeOffset _minute = DateTimeOffset.MinValue;
    private int _storedRefusals;
    private long _counted;

    public async Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        AuditRecord? bounded = record with
        {
            ClientId = Bound(record.ClientId, MaxClientIdLength),
            Method = Bound(record.Method, MaxMethodLength),
            Parameters = Bound(record.Parameters, MaxParametersLength),
            Outcome = Bound(record.Outcome, MaxOutcomeLength),
            Detail = Bound(record.Detail, MaxDetailLength),
        };

        AuditRecord? summary;
        lock (_lock)
        {
            summary = StartMinuteIfDue(bounded.Time);
            if (bounded.Refused && _storedRefusals >= MaxRefusalsPerMinute)
            {
                _counted++;
                if (_countedByClient.Count < 1_000 || _countedByClient.ContainsKey(bounded.ClientId))
                {
                    _countedByClient[bounded.ClientId] = _countedByClient.GetValueOrDefault(bounded.ClientId) + 1;
                }

                bounded = null;
            }
            else if (bounded.Refused)
            {
                _storedRefusals++;
            }
        }

        if (summary is not null)
        {
            await store.AppendAsync(summary, cancellationToken);
        }

        if (bounded is not null)
        {
            await store.AppendAsync(bounded, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        // A minute that has ended is summarised before anyone reads, even if no record came after it.
        AuditRecord? summary;
        lock (_lock)
        {
            summary = StartMinuteIfDue(timeProvider.GetUtcNow());
        }

        if (summary is not null)
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
                SummaryMethod,
                $"{{\"minute\":\"{_minute.UtcDateTime:yyyy-MM-dd'T'HH:mm}Z\",\"counted\":{_counted}}}",
                "ResourceExhausted",
                Bound($"{_counted} refusals after the first {MaxRefusalsPerMinute} of the minute were counted, not stored one by one. Most by: {clients}.", MaxDetailLength),
                Refused: true);
        }

        _minute = minute;
        _storedRefusals = 0;
        _counted = 0;
        _countedByClient.Clear();
        return summary;
    }
}
