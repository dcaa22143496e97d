using System.Diagnostics;
using System.Globalization;
using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;

// Draws per second of each sampler at the default policy's parameters, next to the raw throughput of the random source
// measured in the same run, as ratios (a timing on its own says little across machines; a ratio does).
// Usage: dotnet run -c Release --project tests/Federation.Benchmarks [-- SECONDS_PER_MEASUREMENT]
var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 1.0;
var policy = DatasetCatalog.Default.Get("trafficking.victims.v1").Protection;
var source = new CryptoRandomBitSource();
IRandomBitSource bits = source;

Console.WriteLine($"Random source: {nameof(CryptoRandomBitSource)} (RandomNumberGenerator); {seconds:0.##} s per measurement.");
var raw = Measure(() => bits.NextUInt64());
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"raw 64-bit words",-52} {raw,14:N0} /s   ratio 1"));

var bernoulli = new BernoulliExpSampler(source);
var geometric = new GeometricSampler(source);
var laplace = new DiscreteLaplaceSampler(source, Rational.One);
var rows = new List<(string Name, Action Draw)>
{
    ("Bernoulli(exp(-1/2))", () => bernoulli.Sample(new Rational(1, 2))),
    ("geometric, x = 1/5", () => geometric.Sample(new Rational(1, 5))),
    ("discrete Laplace, scale 1 (epsilon 1)", () => laplace.Sample()),
};
foreach (var noise in policy.Tables.Where(t => t.Mechanism == ProtectionMechanismKind.DiscreteGaussian).DistinctBy(t => t.Variance))
{
    var sampler = new DiscreteGaussianSampler(source, noise.Variance);
    rows.Add(($"discrete Gaussian, variance {noise.Variance} ({string.Join(", ", policy.Tables.Where(t => t.Variance == noise.Variance).Select(t => t.TableId))})", () => sampler.Sample()));
}

foreach (var (name, draw) in rows)
{
    var rate = Measure(draw);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-52} {rate,14:N0} /s   ratio {rate / raw:0.0000} ({raw / rate:0.0} raw words' time per draw)"));
}

var cells = DatasetCatalog.Default.Get("trafficking.victims.v1").Tables.Sum(t => t.CellCount);
Console.WriteLine($"One full release has {cells} noisy cells.");
return 0;

double Measure(Action action)
{
    for (var i = 0; i < 1000; i++)
    {
        action();
    }

    var stopwatch = Stopwatch.StartNew();
    long count = 0;
    while (stopwatch.Elapsed.TotalSeconds < seconds)
    {
        for (var i = 0; i < 256; i++)
        {
            action();
        }

        count += 256;
    }

    return count / stopwatch.Elapsed.TotalSeconds;
}
