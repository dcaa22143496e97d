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

    /// <summary>
    /// A complete, noise-free release of <paramref name="total"/> victims who all have the first code of every dimension:
    /// the first cell of every table holds the total, the others 0, so that every table agrees on every margin (as a
    /// release does but for its noise) and every estimate of the total is <paramref name="total"/>.
    /// </summary>
    public static Submission Complete(string jurisdiction, int year, long total = 25, DateTimeOffset? producedAt = null) =>
        Counting(jurisdiction, year, [(new Dictionary<string, string>(), total)], producedAt);

    /// <summary>
    /// A complete, noise-free release counting groups of people: each group's code of some dimensions (the other
    /// dimensions: their first code) and how many people it has. Every table cell counts the groups that have its codes.
    /// </summary>
    public static Submission Counting(
        string jurisdiction,
        int year,
        IReadOnlyList<(IReadOnlyDictionary<string, string> Codes, long Count)> groups,
        DateTimeOffset? producedAt = null,
        DatasetDefinition? of = null)
    {
        var dataset = of ?? Dataset;
        string CodeOf((IReadOnlyDictionary<string, string> Codes, long Count) group, DimensionDefinition dimension) =>
            group.Codes.TryGetValue(dimension.Id, out var code) ? code : dimension.Codes[0].Code;
        return Complete(
            jurisdiction,
            year,
            (table, codes) => groups.Where(g => table.Dimensions.Select((d, k) => CodeOf(g, d) == codes[k]).All(m => m)).Sum(g => g.Count),
            producedAt,
            dataset);
    }

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
