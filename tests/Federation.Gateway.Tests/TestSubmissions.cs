using System.Security.Cryptography.X509Certificates;
using Federation.Contracts.V1;
using Federation.Sdk.Catalog;
using Federation.Sdk.Signing;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Federation.Gateway.Tests;

/// <summary>Builds complete, valid releases of trafficking.victims.v1 (or another catalogue dataset) for tests, and signs them.</summary>
internal static class TestSubmissions
{
    public static DatasetDefinition Dataset => DatasetCatalog.Default.Get("trafficking.victims.v1");

    /// <summary>A complete release whose every cell holds <paramref name="cellValue"/> (a multiple of 5), T0 holding <paramref name="total"/>.</summary>
    public static Submission Complete(string jurisdiction, int year, long total = 25, long cellValue = 5, DateTimeOffset? producedAt = null) =>
        Complete(jurisdiction, year, (table, _) => table.Dimensions.Count == 0 ? total : cellValue, producedAt);

    public static Submission Complete(
        string jurisdiction,
        int year,
        Func<TableDefinition, IReadOnlyList<string>, long> value,
        DateTimeOffset? producedAt = null,
        DatasetDefinition? of = null)
    {
        var dataset = of ?? Dataset;
        var submission = new Submission
        {
            DatasetId = dataset.Id,
            Jurisdiction = jurisdiction,
            ReferenceYear = year,
            ProducedAt = Timestamp.FromDateTimeOffset(producedAt ?? DateTimeOffset.UtcNow.AddMinutes(-1)),
            NodeId = $"node-{jurisdiction.ToLowerInvariant()}",
            Protection = dataset.Protection.ToDeclaration(),
        };
        foreach (var table in dataset.Tables)
        {
            var release = new TableRelease { TableId = table.Id };
            foreach (var codes in table.EnumerateCells())
            {
                var cell = new Cell { Value = value(table, codes) };
                cell.Codes.AddRange(codes);
                release.Cells.Add(cell);
            }

            submission.Tables.Add(release);
        }

        return submission;
    }

    public static SignedEnvelope Sign(Submission submission, X509Certificate2 signer) => Sign(submission.ToByteArray(), signer);

    public static SignedEnvelope Sign(byte[] submissionBytes, X509Certificate2 signer) => new()
    {
        Submission = ByteString.CopyFrom(submissionBytes),
        Signature = ByteString.CopyFrom(SubmissionSigner.Sign(submissionBytes, signer, DateTimeOffset.UtcNow)),
    };
}
