using Federation.Contracts.V1;

namespace Federation.Sdk.ServiceDirectory;

/// <summary>
/// The text names of directory codes, as CSV files, HSDS taxonomy terms and the CLI write them: lower-case
/// snake case of the contract's enum values, for example "emergency_shelter", "intake_slot", "gender_diverse".
/// </summary>
public static class DirectoryCodes
{
    private static readonly Dictionary<string, ServiceType> s_serviceTypes = Names<ServiceType>("SERVICE_TYPE_");
    private static readonly Dictionary<string, CapacityUnit> s_units = Names<CapacityUnit>("CAPACITY_UNIT_");
    private static readonly Dictionary<string, ServedGender> s_genders = Names<ServedGender>("SERVED_GENDER_");

    /// <summary>Service types whose locations are residences or safe houses, and so always redacted.</summary>
    public static IReadOnlySet<ServiceType> Residential { get; } = new HashSet<ServiceType>
    {
        ServiceType.EmergencyShelter,
        ServiceType.TransitionalHousing,
    };

    /// <summary>The safe-housing sector of the coverage query: the residential types.</summary>
    public static bool IsResidential(ServiceType type) => Residential.Contains(type);

    public static IReadOnlyCollection<string> ServiceTypeNames => s_serviceTypes.Keys;

    public static IReadOnlyCollection<string> UnitNames => s_units.Keys;

    public static IReadOnlyCollection<string> GenderNames => s_genders.Keys;

    public static bool TryParseServiceType(string? text, out ServiceType type) => TryParse(s_serviceTypes, text, out type);

    public static bool TryParseUnit(string? text, out CapacityUnit unit) => TryParse(s_units, text, out unit);

    public static bool TryParseGender(string? text, out ServedGender gender) => TryParse(s_genders, text, out gender);

    public static string NameOf(ServiceType type) => Name(s_serviceTypes, type);

    public static string NameOf(CapacityUnit unit) => Name(s_units, unit);

    public static string NameOf(ServedGender gender) => Name(s_genders, gender);

    private static bool TryParse<T>(Dictionary<string, T> names, string? text, out T value)
        where T : struct, Enum
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        // "Intake slot", "intake-slot" and "INTAKE_SLOT" all name the same code.
        var key = text.Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');
        return names.TryGetValue(key, out value);
    }

    private static string Name<T>(Dictionary<string, T> names, T value)
        where T : struct, Enum =>
        names.FirstOrDefault(n => EqualityComparer<T>.Default.Equals(n.Value, value)).Key ?? value.ToString();

    private static Dictionary<string, T> Names<T>(string prefix)
        where T : struct, Enum
    {
        // The generated enum keeps each value's proto name in an OriginalName attribute.
        var names = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var field in typeof(T).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
        {
            var original = field.GetCustomAttributes(typeof(Google.Protobuf.Reflection.OriginalNameAttribute), false)
                .Cast<Google.Protobuf.Reflection.OriginalNameAttribute>().Single().Name;
            var value = (T)field.GetValue(null)!;
            if (original.EndsWith("_UNSPECIFIED", StringComparison.Ordinal))
            {
                continue;
            }

            names.Add(original[prefix.Length..].ToLowerInvariant(), value);
        }

        return names;
    }
}
