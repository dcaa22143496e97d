using Federation.Sdk.Catalog;
using Federation.Sdk.Pipeline;
using Federation.Sdk.Privacy;

namespace Federation.Node;

/// <summary>
/// What a run of a node would send, made without sending or charging anything: the pipeline's account of the records
/// and, under a noise mechanism, the outlook of every reference year (release, noise origin, budget).
/// </summary>
/// <param name="Configuration">The node previewed.</param>
/// <param name="Dataset">The dataset it releases, with the catalogue's protection policy.</param>
/// <param name="Pipeline">Records read, accepted and quarantined, and the releases a run would send.</param>
/// <param name="Outlooks">Per reference year under a noise mechanism; empty when the dataset spends no privacy budget.</param>
/// <param name="RefusedEarlier">
/// The years whose release the gateway refused when it was last sent, not for its data: a run signs the same release
/// again with the node's current key and sends it, spending nothing.
/// </param>
/// <param name="RefusedForData">
/// The years whose release the gateway refused for its data when it was last sent: a run does not send it again; the
/// source must change.
/// </param>
public sealed record NodePreview(
    NodeConfiguration Configuration,
    DatasetDefinition Dataset,
    PipelineResult Pipeline,
    IReadOnlyList<ReleaseOutlook> Outlooks,
    IReadOnlySet<int> RefusedEarlier,
    IReadOnlySet<int> RefusedForData)
{
    /// <summary>Whether a run would be refused for exceeding the privacy budget (and send nothing).</summary>
    public bool Refused => Outlooks.Any(o => o.Refused);
}
