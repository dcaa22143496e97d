using System.Runtime.CompilerServices;
using Federation.Sdk.Hosting;
using Federation.Sdk.Records;
using Federation.Sdk.Synthetic;
using Federation.Sdk.Testing;
using Xunit.Sdk;

namespace Federation.Sdk.Adapters.Csv.Tests;

/// <summary>
/// The conformance kit explains its failures: run against real CSV sources made faulty on purpose, each failure starts
/// with the check's name and names the cases that failed it.
/// </summary>
public sealed class ConformanceFailureMessageTests
{
    [Fact]
    public async Task A_source_that_drops_a_row_fails_the_streaming_check_naming_the_missing_case()
    {
        var suite = new FaultyCsvSuite(Fault.DropsTheFifthRow);

        var failure = await Assert.ThrowsAsync<FailException>(suite.Conformance_streams_every_record_in_the_store);

        Assert.StartsWith("Conformance_streams_every_record_in_the_store: 1 of 120 stored cases were not read: ", failure.Message, StringComparison.Ordinal);
        Assert.Contains(suite.DroppedCaseId!, failure.Message, StringComparison.Ordinal);
        await suite.DisposeAsync();
    }

    [Fact]
    public async Task A_source_that_quotes_values_in_reasons_fails_the_reasons_check_naming_the_row_and_the_value()
    {
        var suite = new FaultyCsvSuite(Fault.QuotesTheRowInItsReason);

        var failure = await Assert.ThrowsAsync<FailException>(suite.Conformance_reasons_name_the_field_never_its_value);

        Assert.StartsWith("Conformance_reasons_name_the_field_never_its_value: reasons must name the field and the rule, never the record's values (found ", failure.Message, StringComparison.Ordinal);
        Assert.Contains("'2023-02-30' in \"", failure.Message, StringComparison.Ordinal);
        await suite.DisposeAsync();
    }

    [Fact]
    public async Task An_adapter_name_no_method_is_marked_with_fails_the_registration_check_naming_it()
    {
        var suite = new FaultyCsvSuite(Fault.None, adapterName: "csvv");

        var failure = await Assert.ThrowsAsync<FailException>(suite.Conformance_a_node_adds_the_source_through_its_NodeAdapter_method_from_node_json_options);

        Assert.Equal(
            "Conformance_a_node_adds_the_source_through_its_NodeAdapter_method_from_node_json_options: no public method marked [NodeAdapter(\"csvv\", NodeSourceKind.CaseRecords)] in the assemblies loaded by AddSource",
            failure.Message);
        await suite.DisposeAsync();
    }

    internal enum Fault
    {
        None,
        DropsTheFifthRow,
        QuotesTheRowInItsReason,
    }

    /// <summary>The kit run against the real CSV source with a fault added; not public, so xunit does not run it on its own.</summary>
    internal sealed class FaultyCsvSuite(Fault fault, string adapterName = "csv") : CaseSourceConformanceTests
    {
        private readonly TempCsv _file = TempCsv.Empty();

        public string? DroppedCaseId { get; private set; }

        protected override NodeSourceSettings NodeSettings => new(adapterName, System.Text.Json.JsonSerializer.Serialize(new { path = _file.Path }));

        protected override Task ArrangeAsync(IReadOnlyList<SyntheticCase> cases, CancellationToken cancellationToken)
        {
            SyntheticCaseData.WriteCsv(_file.Path, cases);
            DroppedCaseId = cases[4].CaseId;
            return Task.CompletedTask;
        }

        protected override void AddSource(INodeBuilder node, string name) =>
            node.AddCaseSource(name, _ => new FaultySource(new CsvCaseRecordSource(_file.Path), fault));

        public override Task DisposeAsync()
        {
            _file.Dispose();
            return Task.CompletedTask;
        }
    }

    private sealed class FaultySource(ICaseRecordSource source, Fault fault) : ICaseRecordSource
    {
        public string Name => source.Name;

        public async IAsyncEnumerable<SourceRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var number = 0;
            await foreach (var row in source.ReadAsync(cancellationToken))
            {
                if (++number == 5 && fault == Fault.DropsTheFifthRow)
                {
                    continue;
                }

                yield return fault == Fault.QuotesTheRowInItsReason && row.Error is not null
                    ? row with { Error = $"{row.Error} ('2023-02-30')" }
                    : row;
            }
        }
    }
}
