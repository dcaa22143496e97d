using System.Runtime.CompilerServices;
using Federation.Sdk.Records;

namespace Federation.Node.Adapters;

/// <summary>Several case record sources read one after the other, as the one stream the pipeline reads.</summary>
internal sealed class ConcatenatedCaseRecordSource(IReadOnlyList<ICaseRecordSource> sources) : ICaseRecordSource
{
    public string Name => string.Join(" + ", sources.Select(s => s.Name));

    public async IAsyncEnumerable<SourceRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var source in sources)
        {
            await foreach (var row in source.ReadAsync(cancellationToken))
            {
                yield return row;
            }
        }
    }
}
