using System.Diagnostics;
using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;

namespace Federation.Benchmarks;

/// <summary>Draws per second of each noise sampler at the default policy's parameters, next to the raw throughput of the random source.</summary>
internal sealed class SamplerBenchmark : IBenchmark
{
    public string Name => "samplers";

    public string Description => "draws/s of each noise sampler next to the random source's raw 64-bit words/s";

    public Task RunAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        var policy = DatasetCatalog.Default.Get("trafficking.victims.v1").Protection;
        var source = new CryptoRandomBitSource();
        IRandomBitSource bits = source;
        run.Line($"Random source: {nameof(CryptoRandomBitSource)} (RandomNumberGenerator).");
        var raw = Measure(() => bits.NextUInt64(), run.MeasurementTime);
        run.Yardstick("raw 64-bit words", raw, "/s");

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
            run.Ratio(name, Measure(draw, run.MeasurementTime), "/s", raw, "raw words");
        }

        var cells = DatasetCatalog.Default.Get("trafficking.victims.v1").Tables.Sum(t => t.CellCount);
        run.Line($"  One full release has {cells} noisy cells.");
        return Task.CompletedTask;
    }

    private static double Measure(Action action, TimeSpan duration)
    {
        for (var i = 0; i < 1000; i++)
        {
            action();
        }

        var stopwatch = Stopwatch.StartNew();
        long count = 0;
        while (stopwatch.Elapsed < duration)
        {
            for (var i = 0; i < 256; i++)
            {
                action();
            }

            count += 256;
        }

        return count / stopwatch.Elapsed.TotalSeconds;
    }
}
