namespace Federation.Sdk.Submissions;

/// <summary>Collects violations up to a limit and counts the rest, so one broken submission cannot produce an unbounded report.</summary>
internal sealed class ViolationList(int limit, string overflowField = "submission")
{
    private readonly List<FieldViolation> _violations = [];
    private int _unlisted;

    public void Add(string field, string description)
    {
        if (_violations.Count < limit)
        {
            _violations.Add(new FieldViolation(field, description));
        }
        else
        {
            _unlisted++;
        }
    }

    public IReadOnlyList<FieldViolation> ToList()
    {
        if (_unlisted == 0)
        {
            return _violations.ToArray();
        }

        return [.. _violations, new FieldViolation(overflowField, $"... and {_unlisted} more violations not listed.")];
    }
}
