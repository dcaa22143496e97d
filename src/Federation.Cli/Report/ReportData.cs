using Federation.Contracts.V1;

namespace Federation.Cli.Report;

/// <summary>
/// Everything one annual report shows, exactly as the gateway answered it: the statistics of every published dataset
/// at one transparency-log checkpoint, and the service directory's aggregate capacity.
/// </summary>
internal sealed record ReportData(
    int Year,
    DateTimeOffset GeneratedAt,
    ReportProvenance Provenance,
    IReadOnlyList<DatasetReport> Datasets,
    CapacitySummaryResponse Capacity,
    SafeHousingCoverageResponse Coverage);

/// <summary>The checkpoint the figures were computed at, and how to check it.</summary>
/// <param name="Gateway">The gateway's address.</param>
/// <param name="SignedCheckpoint">The signed checkpoint note, verified with the pinned log key.</param>
/// <param name="TreeSize">The checkpoint's tree size; every statistics query was asked "as of" it.</param>
/// <param name="RootHash">The Merkle tree's root hash at that size.</param>
/// <param name="LogKeyName">The log key's name (the log's origin).</param>
/// <param name="LogKeyId">The log key's id, 8 hexadecimal digits.</param>
/// <param name="SignedAt">When the gateway signed the checkpoint.</param>
/// <param name="VerifyCommand">The `fed log verify` command that checks the log still extends this checkpoint.</param>
internal sealed record ReportProvenance(
    Uri Gateway,
    string SignedCheckpoint,
    long TreeSize,
    byte[] RootHash,
    string LogKeyName,
    string LogKeyId,
    DateTimeOffset SignedAt,
    string VerifyCommand)
{
    /// <summary>The file, under the report's folder, holding the checkpoint in the form `fed log verify --state` reads.</summary>
    public const string CheckpointFile = "provenance/checkpoint.json";

    public string RootHashBase64 => Convert.ToBase64String(RootHash);

    public string RootHashHex => Convert.ToHexStringLower(RootHash);
}

/// <summary>One dataset's answers: national totals per year, each jurisdiction per year, and one breakdown per dimension for the report's year.</summary>
/// <param name="Definition">The dataset's published definition (DescribeDataset).</param>
/// <param name="National">National totals for every reported year (publication view).</param>
/// <param name="ByJurisdiction">Each jurisdiction's total for every reported year (publication view).</param>
/// <param name="Breakdowns">National figures of the report's year grouped by each dimension (publication view), in catalogue order.</param>
internal sealed record DatasetReport(
    Dataset Definition,
    QueryResponse National,
    QueryResponse ByJurisdiction,
    IReadOnlyList<DimensionBreakdown> Breakdowns)
{
    /// <summary>Years with any answer, oldest first.</summary>
    public IReadOnlyList<int> Years => National.Rows.Select(r => r.ReferenceYear).Distinct().Order().ToArray();

    /// <summary>The national total of a year, or null when the gateway gave no row for it.</summary>
    public QueryRow? NationalTotal(int year) => National.Rows.FirstOrDefault(r => r.ReferenceYear == year);

    /// <summary>The jurisdictions' totals of a year, in the dataset's jurisdiction order.</summary>
    public IReadOnlyList<QueryRow> Jurisdictions(int year) =>
        Definition.Jurisdictions
            .Select(j => ByJurisdiction.Rows.FirstOrDefault(r => r.ReferenceYear == year && r.Jurisdiction == j))
            .OfType<QueryRow>()
            .ToArray();
}

/// <summary>National figures of one year grouped by one dimension.</summary>
internal sealed record DimensionBreakdown(Dimension Dimension, QueryResponse Answer)
{
    /// <summary>Each code's row in the dimension's code order (codes the gateway did not answer are left out).</summary>
    public IReadOnlyList<(Code Code, QueryRow Row)> Rows =>
        Dimension.Codes
            .Select(c => (Code: c, Row: Answer.Rows.FirstOrDefault(r => r.Codes.Count == 1 && r.Codes[0] == c.Code_)))
            .Where(x => x.Row is not null)
            .Select(x => (x.Code, x.Row!))
            .ToArray();
}
