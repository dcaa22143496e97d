using System.CommandLine;
using System.Globalization;
using Federation.Sdk.Privacy;

namespace Federation.Cli.Commands;

/// <summary>
/// `fed privacy`: the production samplers and the zCDP conversions, for checking the mechanisms from outside
/// (goodness-of-fit tests on the samples, published (epsilon, delta) values).
/// </summary>
internal static class PrivacyCommand
{
    public static Command Create() => new("privacy", "Draw noise with the production samplers and convert zCDP budgets to (epsilon, delta).")
    {
        Sample(),
        Delta(),
        Epsilon(),
    };

    private static Command Sample()
    {
        var mechanism = new Option<string>("--mechanism")
        {
            Description = "discrete-gaussian or discrete-laplace.",
            Required = true,
        };
        mechanism.AcceptOnlyFromAmong("discrete-gaussian", "discrete-laplace");
        var variance = new Option<string?>("--variance") { Description = "Variance parameter sigma^2 of discrete Gaussian noise: an exact decimal (4, 0.5) or fraction (41/2)." };
        var scale = new Option<string?>("--scale") { Description = "Scale b of discrete Laplace noise, P(y) proportional to exp(-|y|/b): an exact decimal or fraction." };
        var count = new Option<int>("--count") { Description = "How many draws.", DefaultValueFactory = _ => 1 };
        var seed = new Option<ulong?>("--seed")
        {
            Description = "Draw from a deterministic seeded stream instead of the cryptographic generator (for reproducible tests only; never for real data).",
        };
        var command = new Command("sample", "Print draws of the production samplers, one integer per line.") { mechanism, variance, scale, count, seed };
        command.SetAction(parse =>
        {
            try
            {
                var n = parse.GetValue(count);
                if (n < 0)
                {
                    throw new CommandException("--count must be zero or more.");
                }

                IRandomBitSource source = parse.GetValue(seed) is { } s ? new SeededRandomBitSource(s) : new CryptoRandomBitSource();
                Func<System.Numerics.BigInteger> draw = parse.GetValue(mechanism) switch
                {
                    "discrete-gaussian" => new DiscreteGaussianSampler(source, Positive(parse.GetValue(variance), "--variance", "discrete-gaussian")).Sample,
                    _ => new DiscreteLaplaceSampler(source, Positive(parse.GetValue(scale), "--scale", "discrete-laplace")).Sample,
                };
                using var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
                for (var i = 0; i < n; i++)
                {
                    output.WriteLine(draw().ToString(CultureInfo.InvariantCulture));
                }

                return 0;
            }
            catch (CommandException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        });
        return command;
    }

    private static Command Delta()
    {
        var rho = new Option<double>("--rho") { Description = "The zCDP parameter rho.", Required = true };
        var epsilon = new Option<double>("--epsilon") { Description = "The epsilon of (epsilon, delta)-DP.", Required = true };
        var command = new Command("delta", "Print the smallest delta such that rho-zCDP implies (epsilon, delta)-DP (optimal conversion, CKS 2020).") { rho, epsilon };
        command.SetAction(parse => Print(() => ZeroConcentratedDp.Delta(parse.GetValue(rho), parse.GetValue(epsilon))));
        return command;
    }

    private static Command Epsilon()
    {
        var rho = new Option<double>("--rho") { Description = "The zCDP parameter rho.", Required = true };
        var delta = new Option<double>("--delta") { Description = "The delta of (epsilon, delta)-DP, in (0, 1].", Required = true };
        var command = new Command("epsilon", "Print the smallest epsilon such that rho-zCDP implies (epsilon, delta)-DP (optimal conversion, CKS 2020).") { rho, delta };
        command.SetAction(parse => Print(() => ZeroConcentratedDp.Epsilon(parse.GetValue(rho), parse.GetValue(delta))));
        return command;
    }

    private static int Print(Func<double> compute)
    {
        try
        {
            Console.WriteLine(compute().ToString("R", CultureInfo.InvariantCulture));
            return 0;
        }
        catch (ArgumentOutOfRangeException e)
        {
            Console.Error.WriteLine(e.Message.Split(Environment.NewLine)[0].Split(" (Parameter")[0]);
            return 2;
        }
    }

    private static Rational Positive(string? text, string option, string mechanism)
    {
        if (text is null)
        {
            throw new CommandException($"{option} is required for --mechanism {mechanism}.");
        }

        if (!Rational.TryParse(text, out var value) || value.Sign <= 0)
        {
            throw new CommandException($"{option} '{text}': give a positive exact number, a decimal such as 20 or 0.5 or a fraction such as 41/2.");
        }

        return value;
    }
}
