using System.Runtime.CompilerServices;
using Xunit;

namespace Federation.Sdk.Testing;

/// <summary>How the conformance kit fails: with the check's name first, then what failed, naming the cases.</summary>
internal static class ConformanceCheck
{
    /// <summary>Fails with "<paramref name="check"/>: <paramref name="failure"/>" when <paramref name="passed"/> is false.</summary>
    public static void That(bool passed, string failure, [CallerMemberName] string check = "")
    {
        if (!passed)
        {
            Assert.Fail($"{check}: {failure}");
        }
    }

    /// <summary>At most ten items, then how many more; "none" for none.</summary>
    public static string List(IEnumerable<string?> items)
    {
        var all = items.Select(i => i ?? "(null)").ToArray();
        return all.Length == 0 ? "none" : string.Join(", ", all.Take(10)) + (all.Length > 10 ? $" and {all.Length - 10} more" : string.Empty);
    }
}
