using System.Runtime.CompilerServices;
using Federation.Sdk.Records;

namespace Federation.Sdk.Tests.Pipeline;

/// <summary>A source of rows held in memory, located as "memory row N".</summary>
internal sealed class InMemoryCaseSource(params SourceRow[] rows) : ICaseRecordSource
{
    public string Name => "memory";

    public static InMemoryCaseSource Of(params CaseRecord[] records) =>
        new(records.Select((r, i) => SourceRow.Read($"memory row {i + 1}", r)).ToArray());

    public async IAsyncEnumerable<SourceRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return row;
        }
    }
}
