namespace Federation.Sdk.Records;

/// <summary>An HTCDS picklist: source value names (matched case-insensitively) and what each maps to.</summary>
internal sealed class HtcdsPicklist<TTarget>
{
    private readonly Dictionary<string, TTarget> _values;

    public HtcdsPicklist(string field, IEnumerable<KeyValuePair<string, TTarget>> values)
    {
        Field = field;
        _values = new Dictionary<string, TTarget>(values, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The <see cref="CaseRecord"/> property the values come from, used in quarantine reasons.</summary>
    public string Field { get; }

    public bool TryMap(string value, out TTarget target, out string? problem)
    {
        if (_values.TryGetValue(value.Trim(), out target!))
        {
            problem = null;
            return true;
        }

        // The value itself is left out: a reason is printed and logged, and a mistyped field can hold anything.
        problem = $"{Field} is not a known value (expected one of {string.Join(", ", _values.Keys)})";
        return false;
    }
}
