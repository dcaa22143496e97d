using System.CommandLine;
using System.Globalization;
using Federation.Cli.Output;
using Federation.Contracts.V1;
using Federation.Sdk.ServiceDirectory;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Federation.Cli.Commands;

/// <summary>`fed services`: the national directory of victim services: find, capacity, coverage, watch.</summary>
internal static class ServicesCommand
{
    public static Command Create() => new("services", "Find victim services with capacity now, summarize capacity, compare it with victims identified, or watch it change.")
    {
        Find(),
        Capacity(),
        Coverage(),
        Watch(),
    };

    private static Command Find()
    {
        var connection = new ConnectionOptions(layout => layout.ReferralCredentials);
        var jurisdictions = Jurisdictions();
        var area = new Option<string?>("--area") { Description = "Municipality or region (part of a name; accents and case ignored), for example Montreal." };
        var types = Types();
        var gender = new Option<string?>("--gender") { Description = $"The person's gender: {string.Join(", ", DirectoryCodes.GenderNames)}." };
        var age = new Option<int?>("--age") { Description = "The person's age; under 18 also requires services that accept minors." };
        var minor = new Option<bool>("--minor") { Description = "The person is a minor: only services that accept minors." };
        var indigenous = new Option<bool>("--indigenous") { Description = "Only Indigenous-specific services or services of Indigenous-led organizations." };
        var twoSpirit = new Option<bool>("--2slgbtqi") { Description = "Only services specifically for 2SLGBTQI+ people." };
        var language = new Option<string?>("--language") { Description = "ISO 639 language code, for example fr, cr, iu, tl." };
        var available = new Option<bool>("--available") { Description = "Only services with capacity available now (a referral desk's credentials: scope federation.referral)." };
        var maxAge = new Option<string?>("--max-age") { Description = "Only capacity counted within this time, for example 6h, 30m, 2d (scope federation.referral)." };
        var limit = new Option<int>("--limit") { Description = "Most services to list (at most 500).", DefaultValueFactory = _ => 20 };
        var format = Format();
        var command = new Command("find", "Find services by place, type, population served, language and (referral desks) capacity now. Default credentials: the demo's referral desk.")
        {
            jurisdictions, area, types, gender, age, minor, indigenous, twoSpirit, language, available, maxAge, limit, format,
        };
        connection.AddTo(command);
        command.SetAction(GuardedAction.Of(async (parse, cancellationToken) =>
        {
            var request = new FindServicesRequest
            {
                ServiceArea = parse.GetValue(area) ?? string.Empty,
                Minor = parse.GetValue(minor),
                IndigenousSpecific = parse.GetValue(indigenous),
                TwoSpiritLgbtqiPlus = parse.GetValue(twoSpirit),
                Language = parse.GetValue(language) ?? string.Empty,
                AvailableNow = parse.GetValue(available),
                PageSize = parse.GetValue(limit),
            };
            request.Jurisdictions.AddRange(ParseJurisdictions(parse.GetValue(jurisdictions)));
            request.ServiceTypes.AddRange(ParseTypes(parse.GetValue(types)));
            if (parse.GetValue(gender) is { } genderText)
            {
                request.Gender = DirectoryCodes.TryParseGender(genderText, out var parsed)
                    ? parsed
                    : throw new CommandException($"--gender '{genderText}': expected one of {string.Join(", ", DirectoryCodes.GenderNames)}.");
            }

            if (parse.GetValue(age) is { } years)
            {
                request.Age = years;
            }

            if (parse.GetValue(maxAge) is { } maxAgeText)
            {
                request.MaxCapacityAge = Duration.FromTimeSpan(ParseDuration("--max-age", maxAgeText));
            }

            using var channel = connection.Open(parse);
            var response = await new DirectoryService.DirectoryServiceClient(channel).FindServicesAsync(request, deadline: connection.Deadline(parse), cancellationToken: cancellationToken);
            DirectoryResultWriter.Write(response, parse.GetValue(format), Console.Out, DateTimeOffset.UtcNow);
            return 0;
        }));
        return command;
    }

    private static Command Capacity()
    {
        var connection = new ConnectionOptions(layout => layout.AnalystCredentials);
        var jurisdictions = Jurisdictions();
        var types = Types();
        var staleAfter = new Option<string?>("--stale-after") { Description = "Counts older than this are stale (default 24h)." };
        var format = Format();
        var command = new Command("capacity", "Available and maximum capacity by jurisdiction and sector, share of services full, staleness (aggregated for analysts, exact for referral desks).")
        {
            jurisdictions, types, staleAfter, format,
        };
        connection.AddTo(command);
        command.SetAction(GuardedAction.Of(async (parse, cancellationToken) =>
        {
            var request = new CapacitySummaryRequest();
            request.Jurisdictions.AddRange(ParseJurisdictions(parse.GetValue(jurisdictions)));
            request.ServiceTypes.AddRange(ParseTypes(parse.GetValue(types)));
            if (parse.GetValue(staleAfter) is { } text)
            {
                request.StaleAfter = Duration.FromTimeSpan(ParseDuration("--stale-after", text));
            }

            using var channel = connection.Open(parse);
            var response = await new DirectoryService.DirectoryServiceClient(channel).CapacitySummaryAsync(request, deadline: connection.Deadline(parse), cancellationToken: cancellationToken);
            DirectoryResultWriter.Write(response, parse.GetValue(format), Console.Out, NationalLabel(request.Jurisdictions));
            return 0;
        }));
        return command;
    }

    private static Command Coverage()
    {
        var connection = new ConnectionOptions(layout => layout.AnalystCredentials);
        var jurisdictions = Jurisdictions();
        var years = new Option<int[]>("--year") { Description = "Reference year(s); every year with statistics or capacity data by default.", AllowMultipleArgumentsPerToken = true };
        var format = Format();
        var command = new Command("coverage", "Per jurisdiction and year: victims identified next to safe-housing beds and the share of time they were full.")
        {
            jurisdictions, years, format,
        };
        connection.AddTo(command);
        command.SetAction(GuardedAction.Of(async (parse, cancellationToken) =>
        {
            var request = new SafeHousingCoverageRequest();
            request.Jurisdictions.AddRange(ParseJurisdictions(parse.GetValue(jurisdictions)));
            request.Years.AddRange(parse.GetValue(years) ?? []);
            using var channel = connection.Open(parse);
            var response = await new DirectoryService.DirectoryServiceClient(channel).SafeHousingCoverageAsync(request, deadline: connection.Deadline(parse), cancellationToken: cancellationToken);
            DirectoryResultWriter.Write(response, parse.GetValue(format), Console.Out, NationalLabel(request.Jurisdictions));
            return 0;
        }));
        return command;
    }

    private static Command Watch()
    {
        var connection = new ConnectionOptions(layout => layout.ReferralCredentials);
        var jurisdictions = Jurisdictions();
        var types = Types();
        var current = new Option<bool>("--current") { Description = "First print the current capacity of every watched service." };
        var command = new Command("watch", "Print capacity changes as nodes report them, until Ctrl+C (scope federation.referral; default credentials: the demo's referral desk).") { jurisdictions, types, current };
        connection.AddTo(command);
        command.SetAction(GuardedAction.Of(async (parse, cancellationToken) =>
        {
            var request = new WatchCapacityRequest { SendCurrent = parse.GetValue(current) };
            request.Jurisdictions.AddRange(ParseJurisdictions(parse.GetValue(jurisdictions)));
            request.ServiceTypes.AddRange(ParseTypes(parse.GetValue(types)));
            using var channel = connection.Open(parse);
            using var call = new DirectoryService.DirectoryServiceClient(channel).WatchCapacity(request, cancellationToken: cancellationToken);
            try
            {
                await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    var before = change.HasPreviousAvailable ? $" (was {change.PreviousAvailable})" : string.Empty;
                    Console.Out.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{change.Capacity.Updated.ToDateTimeOffset():yyyy-MM-dd HH:mm}Z {change.Jurisdiction} {change.ServiceName}: {change.Capacity.Available}/{change.Capacity.Maximum} {DirectoryCodes.NameOf(change.Capacity.Unit)} available{before}{(change.CurrentState ? " [current]" : string.Empty)}"));
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C: the normal end of a watch.
            }

            return 0;
        }));
        return command;
    }

    // National rows cover the listed jurisdictions only when some are listed.
    private static string NationalLabel(Google.Protobuf.Collections.RepeatedField<string> jurisdictions) => jurisdictions.Count == 0 ? "Canada" : "total";

    private static Option<string[]> Jurisdictions() => new("--jurisdiction")
    {
        Description = "Jurisdiction code(s), for example ON QC; all by default.",
        AllowMultipleArgumentsPerToken = true,
    };

    private static Option<string[]> Types() => new("--type")
    {
        Description = $"Service type(s): {string.Join(", ", DirectoryCodes.ServiceTypeNames)}.",
        AllowMultipleArgumentsPerToken = true,
    };

    private static Option<OutputFormat> Format() => new("--format") { Description = "table, csv or json.", DefaultValueFactory = _ => OutputFormat.Table };

    private static IEnumerable<string> Split(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static IEnumerable<string> ParseJurisdictions(string[]? values) => Split(values).Select(j => j.ToUpperInvariant());

    internal static IEnumerable<ServiceType> ParseTypes(string[]? values) =>
        Split(values).Select(text => DirectoryCodes.TryParseServiceType(text, out var type)
            ? type
            : throw new CommandException($"--type '{text}': expected one of {string.Join(", ", DirectoryCodes.ServiceTypeNames)}."));

    /// <summary>"90s", "30m", "6h", "2d", or a TimeSpan such as 01:30:00.</summary>
    internal static TimeSpan ParseDuration(string option, string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length > 1 && double.TryParse(trimmed[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            switch (char.ToLowerInvariant(trimmed[^1]))
            {
                case 's': return TimeSpan.FromSeconds(amount);
                case 'm': return TimeSpan.FromMinutes(amount);
                case 'h': return TimeSpan.FromHours(amount);
                case 'd': return TimeSpan.FromDays(amount);
            }
        }

        return TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
            ? span
            : throw new CommandException($"{option} '{text}': expected a duration such as 30m, 6h or 2d.");
    }

    /// <summary>The gateway connection options every services command takes.</summary>
    /// <summary>Where the gateway is and who calls it: --credentials, else the demo's client of <paramref name="demoCredentials"/>.</summary>
    private sealed class ConnectionOptions(Func<Demo.DemoLayout, string> demoCredentials)
    {
        private readonly Option<DirectoryInfo> _data = CommonOptions.Data();
        private readonly Option<Uri?> _gateway = CommonOptions.Gateway();
        private readonly Option<FileInfo?> _trustRoot = CommonOptions.TrustRoot();
        private readonly Option<FileInfo?> _credentials = CommonOptions.Credentials();
        private readonly Option<int> _timeout = new("--timeout") { Description = "Seconds to wait for the gateway.", DefaultValueFactory = _ => 30 };

        public void AddTo(Command command)
        {
            command.Options.Add(_data);
            command.Options.Add(_gateway);
            command.Options.Add(_trustRoot);
            command.Options.Add(_credentials);
            command.Options.Add(_timeout);
        }

        public Grpc.Net.Client.GrpcChannel Open(ParseResult parse) => GatewayConnection.Open(parse, _data, _gateway, _trustRoot, _credentials, demoCredentials);

        public DateTime Deadline(ParseResult parse) => DateTime.UtcNow.AddSeconds(parse.GetValue(_timeout));
    }
}
