using System.CommandLine;
using System.Globalization;
using Federation.Sdk.Privacy;

namespace Federation.Cli.Commands;

/// <summary>
/// `fed privacy`: the production samplers and the zCDP conversions, for checking the mechanisms from outside
/// (goodness-of-fit tests on the samples, published (epsilon, delta) values), and the measurement plan of a dataset's
/// workload (`fed privacy plan`).
/// </summary>
internal static class PrivacyCommand
{
    public static Command Create() => new("privacy", "Draw noise with the production samplers, convert zCDP budgets to (epsilon, delta), plan what nodes measure.")
    {
        Sample(),
        Delta(),
        Epsilon(),
        Plan(),
    };

    private static Command Plan()
    {
        var dataset = new Argument<string>("dataset") { Description = "The dataset id, such as trafficking.victims.v1." };
        var document = new Option<string?>("--document")
        {
            Description = "Read the dataset from this dataset document (a catalogue folder's, or the SDK's source) instead of the catalogue built into fed.",
        };
        var write = new Option<bool>("--write") { Description = "Write the chosen plan into the --document file: its tables and their protection (the budget is kept)." };
        var command = new Command(
            "plan",
            "Choose the tables each node measures and their noise variances, at the same privacy cost per release, for the dataset's workload; print every workload query's expected 95% margin today and under the plan.")
        {
            dataset, document, write,
        };
        command.SetAction(parse =>
        {
            try
            {
                var path = parse.GetValue(document);
                if (parse.GetValue(write) && path is null)
                {
                    throw new CommandException("--write writes into the --document file: name it, for example --document sdk/Federation.Sdk/Catalog/Datasets/trafficking.victims.v1.json.");
                }

                var id = parse.GetValue(dataset)!;
                var definition = path is null ? Sdk.Catalog.DatasetCatalog.Default.Find(id) : ReadDocument(path);
                if (definition is null || definition.Id != id)
                {
                    throw new CommandException(definition is null
                        ? $"Unknown dataset '{id}'. Known datasets: {string.Join(", ", Sdk.Catalog.DatasetCatalog.Default.Datasets.Select(d => d.Id))}."
                        : $"{path} defines dataset '{definition.Id}', not '{id}'.");
                }

                IReadOnlyList<PlannedTable> plan;
                try
                {
                    plan = MeasurementPlanner.Plan(definition);
                }
                catch (ArgumentException e)
                {
                    throw new CommandException(e.Message);
                }

                PrintPlan(definition, plan);
                if (parse.GetValue(write))
                {
                    var text = Sdk.Catalog.DatasetDocument.WithTables(
                        File.ReadAllText(path!),
                        plan.Select(t => (t.Id, t.Title, (IReadOnlyList<string>)t.Dimensions.Select(d => d.Id).ToArray(), t.Variance)).ToArray(),
                        path!);
                    File.WriteAllText(path!, text);
                    Console.WriteLine($"Wrote the plan into {path}.");
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

    private static Sdk.Catalog.DatasetDefinition ReadDocument(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Sdk.Catalog.DatasetDocument.Parse(stream, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new CommandException($"Cannot read the dataset document {path}: {e.Message}");
        }
    }

    private static void PrintPlan(Sdk.Catalog.DatasetDefinition dataset, IReadOnlyList<PlannedTable> plan)
    {
        var today = dataset.Tables.Select(t => MeasuredTable.Of(t, dataset.Protection)).ToArray();
        var planned = plan.Select(t => t.Measured).ToArray();
        var planRho = plan.Aggregate(Rational.Zero, (sum, t) => sum + ZeroConcentratedDp.RhoOfGaussian(t.Variance));
        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine($"Workload of {dataset.Id}: expected 95% margin of the widest cell of each query (national: {dataset.Jurisdictions.Count} jurisdictions added up),");
        Console.WriteLine(string.Create(
            invariant,
            $"least-squares estimates from every table measured; rho per release {dataset.Protection.ReleaseRho} today, {planRho.ToDouble():0.######} planned (exactly {planRho})."));
        Console.WriteLine();
        Console.WriteLine(string.Create(invariant, $"{"Query",-6} {"Title",-58} {"Today",9} {"Plan",9}"));
        var todayMargins = MeasurementPlanner.Margins(dataset, today);
        var planMargins = MeasurementPlanner.Margins(dataset, planned);
        for (var i = 0; i < dataset.Workload.Count; i++)
        {
            var query = dataset.Workload[i];
            Console.WriteLine(string.Create(invariant, $"{query.Id,-6} {Truncate(query.Title, 58),-58} {Format(todayMargins[i].Margin),9} {Format(planMargins[i].Margin),9}"));
        }

        Console.WriteLine();
        Console.WriteLine("Today each node measures:");
        foreach (var table in dataset.Tables)
        {
            Console.WriteLine($"  {table.Id,-4} {Describe(table.Dimensions),-46} variance {dataset.Protection.Of(table.Id).Variance}");
        }

        Console.WriteLine("The plan measures:");
        foreach (var table in plan)
        {
            Console.WriteLine($"  {table.Id,-4} {Describe(table.Dimensions),-46} variance {table.Variance}");
        }

        static string Format(double? margin) => margin is { } m ? string.Create(CultureInfo.InvariantCulture, $"+/-{m:0.0}") : "-";
        static string Truncate(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + ".";
        static string Describe(IReadOnlyList<Sdk.Catalog.DimensionDefinition> dimensions) => dimensions.Count == 0 ? "total" : string.Join(" x ", dimensions.Select(d => d.Id));
    }

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
