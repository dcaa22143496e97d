using System.Globalization;
using Federation.Contracts.V1;
using Federation.Sdk.Catalog;

namespace Federation.Cli.Report;

/// <summary>A name in the page's language, or in English (<see cref="Lang"/> "en") where the gateway publishes no translation.</summary>
internal readonly record struct Label(string Text, string? Lang = null);

/// <summary>
/// One official language of the report: its words (from <see cref="ReportTexts"/>) and its number formats. English
/// writes 1,234 and 12.5%; French writes 1 234 (no-break space between thousands) and 12,5 % (decimal comma).
/// </summary>
internal sealed class ReportLanguage
{
    /// <summary>The French thousands separator: a no-break space, so a number never breaks across lines.</summary>
    public const char FrenchThousandsSeparator = '\u00A0';

    public static readonly ReportLanguage English = new("en", NumberFormats(",", "."), "{0}%");

    public static readonly ReportLanguage French = new("fr", NumberFormats(FrenchThousandsSeparator.ToString(), ","), "{0}\u00A0%");

    private readonly string _percentPattern;

    private ReportLanguage(string code, NumberFormatInfo numbers, string percentPattern)
    {
        Code = code;
        Numbers = numbers;
        _percentPattern = percentPattern;
    }

    public static IReadOnlyList<ReportLanguage> All { get; } = [English, French];

    /// <summary>BCP 47 code, also the report's folder name: "en" or "fr".</summary>
    public string Code { get; }

    public NumberFormatInfo Numbers { get; }

    public bool IsFrench => ReferenceEquals(this, French);

    public ReportLanguage Other => IsFrench ? English : French;

    public string this[Text text] => IsFrench ? text.Fr : text.En;

    /// <summary>The text with its placeholders filled in by already formatted values.</summary>
    public string Format(Text text, params string[] values) => string.Format(CultureInfo.InvariantCulture, this[text], values);

    public string Number(long value) => value.ToString("#,0", Numbers);

    /// <summary>A number with at most <paramref name="digits"/> decimals, trailing zeros dropped: "0.25" or "0,25".</summary>
    public string Decimal(double value, int digits) => value.ToString("#,0." + new string('#', digits), Numbers);

    /// <summary>A share between 0 and 1 as a percentage with one decimal: "12.5%" or "12,5 %".</summary>
    public string Percent(double share) => string.Format(CultureInfo.InvariantCulture, _percentPattern, (share * 100).ToString("#,0.0", Numbers));

    /// <summary>A 95% margin of error rounded to a whole number, as "±14".</summary>
    public string Margin(double margin) => "±" + Number((long)Math.Round(margin, MidpointRounding.AwayFromZero));

    /// <summary>A date and time in UTC, ISO 8601 (the form both official languages use in federal tables).</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public Label JurisdictionName(string code) =>
        !Jurisdiction.IsValid(code) ? new Label(code)
        : !IsFrench ? new Label(Jurisdiction.NameOf(code))
        : ReportTexts.JurisdictionNamesFr.TryGetValue(code, out var fr) ? new Label(fr) : InEnglish(Jurisdiction.NameOf(code));

    public Label DatasetTitle(Dataset dataset) =>
        !IsFrench ? new Label(dataset.Title)
        : ReportTexts.DatasetsFr.TryGetValue(dataset.Id, out var fr) ? new Label(fr.Title) : InEnglish(dataset.Title);

    public Label DatasetUnit(Dataset dataset) =>
        !IsFrench ? new Label(dataset.Unit)
        : ReportTexts.DatasetsFr.TryGetValue(dataset.Id, out var fr) ? new Label(fr.Unit) : InEnglish(dataset.Unit);

    public Label DatasetReferencePeriod(Dataset dataset) =>
        !IsFrench ? new Label(dataset.ReferencePeriod)
        : ReportTexts.DatasetsFr.TryGetValue(dataset.Id, out var fr) ? new Label(fr.ReferencePeriod) : InEnglish(dataset.ReferencePeriod);

    /// <summary>A dimension's title as a column heading ("Gender", "Genre").</summary>
    public Label DimensionHeading(Dimension dimension) =>
        !IsFrench ? new Label(dimension.Title)
        : ReportTexts.DimensionTitlesFr.TryGetValue(dimension.Id, out var fr) ? new Label(fr.Heading) : InEnglish(dimension.Title);

    /// <summary>A dimension's title in running text, after "by" or "selon" ("gender", "le genre").</summary>
    public Label DimensionInText(Dimension dimension) =>
        !IsFrench ? new Label(dimension.Title.ToLowerInvariant())
        : ReportTexts.DimensionTitlesFr.TryGetValue(dimension.Id, out var fr) ? new Label(fr.InText) : InEnglish(dimension.Title.ToLowerInvariant());

    public Label CodeLabel(Dimension dimension, Code code) =>
        !IsFrench ? new Label(code.Label)
        : ReportTexts.CodeLabelsFr.TryGetValue($"{dimension.Id}/{code.Code_}", out var fr) ? new Label(fr) : InEnglish(code.Label);

    public Label SectorName(ServiceType type) =>
        ReportTexts.Sectors.TryGetValue(type, out var name) ? new Label(this[name]) : InEnglish(Sdk.ServiceDirectory.DirectoryCodes.NameOf(type));

    public Label UnitName(CapacityUnit unit) =>
        ReportTexts.Units.TryGetValue(unit, out var name) ? new Label(this[name]) : InEnglish(Sdk.ServiceDirectory.DirectoryCodes.NameOf(unit));

    private Label InEnglish(string text) => new(text, IsFrench ? "en" : null);

    private static NumberFormatInfo NumberFormats(string groupSeparator, string decimalSeparator)
    {
        var numbers = (NumberFormatInfo)CultureInfo.InvariantCulture.NumberFormat.Clone();
        numbers.NumberGroupSeparator = groupSeparator;
        numbers.NumberDecimalSeparator = decimalSeparator;
        numbers.NegativeSign = "\u2212";
        return NumberFormatInfo.ReadOnly(numbers);
    }
}
