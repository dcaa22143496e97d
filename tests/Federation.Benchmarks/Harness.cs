using System.Diagnostics;
using System.Globalization;

namespace Federation.Benchmarks;

/// <summary>
/// One benchmark: measures something and prints it next to a yardstick measured in the same run, as a ratio (a timing on
/// its own says little across machines and loads; a ratio does).
/// </summary>
internal interface IBenchmark
{
    /// <summary>The name it is run by (<c>dotnet run ... -- NAME</c>).</summary>
    string Name { get; }

    /// <summary>One line: what it measures and against what.</summary>
    string Description { get; }

    Task RunAsync(BenchmarkRun run, CancellationToken cancellationToken);
}

/// <summary>
/// How a benchmark runs (full, or smoke: a few iterations that show the code still works, in seconds) and where it
/// reports. Every result is a <see cref="Ratio"/> line; a benchmark that printed none failed.
/// </summary>
internal sealed class BenchmarkRun(bool smoke, TextWriter output)
{
    public bool Smoke => smoke;

    /// <summary>How long one throughput measurement lasts.</summary>
    public TimeSpan MeasurementTime => smoke ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(3);

    /// <summary>The number of ratio lines printed so far.</summary>
    public int Ratios { get; private set; }

    /// <summary>A full-run size, or the smoke one.</summary>
    public T Size<T>(T full, T smokeSize) => smoke ? smokeSize : full;

    public void Line(string text) => output.WriteLine(text);

    /// <summary>A measured value next to its yardstick: "name  value unit   ratio value/yardstick (yardstick name)".</summary>
    public void Ratio(string name, double value, string unit, double yardstick, string yardstickName)
    {
        Ratios++;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {name,-58} {value,14:N1} {unit,-6} ratio {value / yardstick,8:0.000} x {yardstickName}"));
    }

    /// <summary>A yardstick's own line (ratio 1 to itself).</summary>
    public void Yardstick(string name, double value, string unit) => Ratio(name, value, unit, value, "itself");
}

/// <summary>Throughput and latency of an operation run with a fixed number of calls in flight for a fixed time.</summary>
internal sealed record Throughput(long Operations, TimeSpan Elapsed, double P50Milliseconds, double P99Milliseconds)
{
    public double PerSecond => Operations / Elapsed.TotalSeconds;

    /// <summary>
    /// Runs <paramref name="operation"/> with <paramref name="inFlight"/> calls in flight for <paramref name="duration"/>
    /// (after a short warm-up), recording every call's latency.
    /// </summary>
    public static async Task<Throughput> MeasureAsync(Func<CancellationToken, Task> operation, int inFlight, TimeSpan duration, CancellationToken cancellationToken)
    {
        for (var i = 0; i < Math.Max(inFlight, 20); i++)
        {
            await operation(cancellationToken);
        }

        var latencies = new List<long>[inFlight];
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, inFlight).Select(async worker =>
        {
            var mine = latencies[worker] = new List<long>(4096);
            while (stopwatch.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                await operation(cancellationToken);
                mine.Add(Stopwatch.GetTimestamp() - started);
            }
        }).ToArray();
        await Task.WhenAll(workers);
        var elapsed = stopwatch.Elapsed;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Throughput(all.Length, elapsed, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    /// <summary>The <paramref name="fraction"/> percentile of sorted timestamps differences, in milliseconds.</summary>
    public static double Percentile(IReadOnlyList<long> sortedTicks, double fraction) =>
        sortedTicks.Count == 0 ? double.NaN : sortedTicks[Math.Min(sortedTicks.Count - 1, (int)Math.Ceiling(fraction * sortedTicks.Count) - 1)] * 1000.0 / Stopwatch.Frequency;
}
