namespace Federation.Sdk.Synthetic;

/// <summary>Picks a value with probability proportional to its weight.</summary>
internal static class WeightedChoice
{
    public static T Pick<T>(Random random, params (T Value, double Weight)[] choices)
    {
        var target = random.NextDouble() * choices.Sum(c => c.Weight);
        foreach (var (value, weight) in choices)
        {
            target -= weight;
            if (target < 0)
            {
                return value;
            }
        }

        return choices[^1].Value;
    }
}
