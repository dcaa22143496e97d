using Federation.Contracts.V1;
using Federation.Sdk.Submissions;
using Federation.Sdk.Validation;

namespace Federation.Sdk.ServiceDirectory;

/// <summary>
/// Builds a small capacity-only update from readings (for example a provider's occupancy feed): each reading is
/// checked with the <see cref="DirectoryValidator"/> rules and quarantined with its reason when it breaks one.
/// </summary>
public sealed class CapacityUpdateBuilder
{
    private readonly DirectoryValidator _validator;

    public CapacityUpdateBuilder(DirectoryValidator validator)
    {
        ArgumentNullException.ThrowIfNull(validator);
        _validator = validator;
    }

    /// <summary>Readings kept in source order; <paramref name="knownServices"/>, when given, also rejects readings of unknown services.</summary>
    public CapacityUpdateBuildResult Build(IEnumerable<SourceCapacityReading> readings, IReadOnlySet<string>? knownServices = null)
    {
        ArgumentNullException.ThrowIfNull(readings);
        var update = new CapacityUpdate();
        var quarantined = new List<QuarantinedRecord>();
        foreach (var source in readings)
        {
            var violations = new ViolationList(DirectoryValidator.MaximumViolationsReported, "reading");
            var reading = new CapacityReading { ServiceId = source.ServiceId, Capacity = source.Capacity };
            var single = new CapacityUpdate { Readings = { reading } };
            _validator.CheckCapacityUpdate(single, "reading", violations);
            var problems = violations.ToList().Select(v => $"{v.Field.Replace("reading.readings[0].", string.Empty, StringComparison.Ordinal)}: {v.Description}").ToList();
            if (knownServices is not null && !knownServices.Contains(source.ServiceId))
            {
                problems.Add($"service '{source.ServiceId}' is not in the published directory");
            }

            if (problems.Count > 0)
            {
                quarantined.Add(new QuarantinedRecord(source.Location, source.ServiceId, string.Join("; ", problems)));
                continue;
            }

            update.Readings.Add(reading);
        }

        return new CapacityUpdateBuildResult(update, quarantined);
    }
}

/// <summary>One capacity count as read from a source, with where it was read.</summary>
public sealed record SourceCapacityReading(string Location, string ServiceId, ServiceCapacity Capacity);

/// <summary>A capacity update ready to sign (possibly empty), and the readings held back.</summary>
public sealed record CapacityUpdateBuildResult(CapacityUpdate Update, IReadOnlyList<QuarantinedRecord> Quarantined);
