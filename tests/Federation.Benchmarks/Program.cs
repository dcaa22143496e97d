using System.Diagnostics;
using Federation.Benchmarks;

// Benchmarks of Federation, each printing its results as ratios against a yardstick measured in the same run.
// Usage: dotnet run -c Release --project tests/Federation.Benchmarks -- <name|all> [--smoke]
// --smoke runs a few iterations of each (seconds), so CI shows they still work; its numbers mean nothing.
IBenchmark[] benchmarks =
[
    new SamplerBenchmark(),
    new IngestBenchmark(),
    new LogAppendBenchmark(),
    new QueryBenchmark(),
    new AcceptToQueryableBenchmark(),
    new NodePipelineBenchmark(),
    new MarginsBenchmark(),
];

var smoke = args.Contains("--smoke", StringComparer.Ordinal);
var names = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
if (names.Length == 0)
{
    Console.Error.WriteLine("Usage: dotnet run -c Release --project tests/Federation.Benchmarks -- <name|all> [--smoke]");
    foreach (var benchmark in benchmarks)
    {
        Console.Error.WriteLine($"  {benchmark.Name,-22} {benchmark.Description}");
    }

    return 2;
}

var chosen = names.Contains("all", StringComparer.Ordinal) ? benchmarks : benchmarks.Where(b => names.Contains(b.Name, StringComparer.Ordinal)).ToArray();
var unknown = names.Where(n => n != "all" && benchmarks.All(b => b.Name != n)).ToArray();
if (unknown.Length > 0)
{
    Console.Error.WriteLine($"Unknown benchmark(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", benchmarks.Select(b => b.Name))}, all.");
    return 2;
}

Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}{(smoke ? ", SMOKE RUN (a few iterations: the numbers mean nothing)" : string.Empty)}");
var failed = new List<string>();
foreach (var benchmark in chosen)
{
    Console.WriteLine();
    Console.WriteLine($"== {benchmark.Name}: {benchmark.Description}");
    var run = new BenchmarkRun(smoke, Console.Out);
    var stopwatch = Stopwatch.StartNew();
    try
    {
        await benchmark.RunAsync(run, CancellationToken.None);
    }
    catch (Exception e)
    {
        Console.WriteLine($"  FAILED: {e}");
        failed.Add(benchmark.Name);
        continue;
    }

    if (run.Ratios == 0)
    {
        Console.WriteLine("  FAILED: no ratio was printed.");
        failed.Add(benchmark.Name);
    }

    Console.WriteLine($"  ({stopwatch.Elapsed.TotalSeconds:0.0} s)");
}

if (failed.Count > 0)
{
    Console.WriteLine($"Failed: {string.Join(", ", failed)}");
    return 1;
}

return 0;
