using Microsoft.Extensions.Options;

namespace Federation.Gateway.Limits;

/// <summary>
/// The published limits every request is checked against before any work starts (configuration section
/// "Gateway:Limits"; served to clients in DescribeDataset). Over a limit a request is refused in milliseconds.
/// </summary>
public sealed class RequestLimits
{
    public const string SectionName = "Gateway:Limits";

    /// <summary>Longest string accepted in any request field (ids, codes, names, reasons), in characters.</summary>
    public int MaxStringLength { get; set; } = 512;

    /// <summary>Longest document accepted in a field that carries one (a certificate in PEM), in characters.</summary>
    public int MaxDocumentLength { get; set; } = 32 * 1024;

    /// <summary>Most entries accepted in any repeated field of a request (years, codes, jurisdictions, filters).</summary>
    public int MaxListLength { get; set; } = 100;

    /// <summary>Most rows an answer may have (years x groups x jurisdictions), computed from the request before any work.</summary>
    public int MaxRowsPerAnswer { get; set; } = 100_000;

    /// <summary>Most WatchCapacity streams one client may hold open at a time.</summary>
    public int MaxWatchStreamsPerClient { get; set; } = 4;

    /// <summary>How often an open WatchCapacity stream checks that its client is still registered and not revoked, in seconds.</summary>
    public int WatchAccessCheckSeconds { get; set; } = 5;
}

/// <summary>Checks the request limits at start-up; each failure names the setting.</summary>
internal sealed class RequestLimitsValidator : IValidateOptions<RequestLimits>
{
    public ValidateOptionsResult Validate(string? name, RequestLimits options)
    {
        var failures = new List<string>();
        Check(failures, nameof(RequestLimits.MaxStringLength), options.MaxStringLength, 64, 64 * 1024);
        Check(failures, nameof(RequestLimits.MaxDocumentLength), options.MaxDocumentLength, 1024, 1024 * 1024);
        Check(failures, nameof(RequestLimits.MaxListLength), options.MaxListLength, 16, 100_000);
        Check(failures, nameof(RequestLimits.MaxRowsPerAnswer), options.MaxRowsPerAnswer, 1_000, 10_000_000);
        Check(failures, nameof(RequestLimits.MaxWatchStreamsPerClient), options.MaxWatchStreamsPerClient, 1, 1_000);
        Check(failures, nameof(RequestLimits.WatchAccessCheckSeconds), options.WatchAccessCheckSeconds, 1, 300);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string setting, int value, int minimum, int maximum)
    {
        if (value < minimum || value > maximum)
        {
            failures.Add($"{RequestLimits.SectionName}:{setting}: {value} is outside {minimum} - {maximum}.");
        }
    }
}
