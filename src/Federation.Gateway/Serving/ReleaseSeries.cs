namespace Federation.Gateway.Serving;

/// <summary>
/// The one rule for a series of releases, statistics and directory alike: a release must be produced after the
/// series' current one (an older one is refused, never made current), and revisions count 1, 2, 3 ... from the first.
/// Ingestion decides with it under the log's single writer; the served state numbers the logged releases with it.
/// </summary>
public static class ReleaseSeries
{
    public static SeriesDecision Decide(ServedRelease? current, DateTimeOffset producedAt) => current switch
    {
        null => new SeriesDecision(true, 1, null),
        _ when producedAt <= current.ProducedAt => new SeriesDecision(false, current.Revision, current.ReleaseId),
        _ => new SeriesDecision(true, current.Revision + 1, current.ReleaseId),
    };
}

/// <summary>
/// What a new release would be: accepted as <see cref="Revision"/>, superseding <see cref="CurrentReleaseId"/> (null
/// for the first), or refused as older than <see cref="CurrentReleaseId"/>.
/// </summary>
public sealed record SeriesDecision(bool Accepted, int Revision, string? CurrentReleaseId);
