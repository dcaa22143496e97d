using System.Collections.Concurrent;
using Federation.Contracts.V1;
using Federation.Gateway.Hosting;
using Federation.Gateway.Serving;
using Federation.Gateway.Storage;
using Federation.Gateway.Transparency;
using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;
using Federation.Sdk.Submissions;
using Google.Protobuf;
using Microsoft.Extensions.Options;

namespace Federation.Gateway.Query;

/// <summary>
/// Answers aggregate queries from the current releases: picks the covering table that answers with the least variance,
/// then sums the matching cells (and their noise variances) per reference year, nationally or per jurisdiction, says
/// who contributed and who is missing, and how reliable each figure is. On request, the publication view.
/// "As of" a checkpoint or time, the releases current then are used instead of the current ones.
/// </summary>
/// <remarks>
/// The figures come from the served state held in memory, laid out once per tree size (<see cref="ServedTables"/>).
/// A gateway alone on its store (SQLite) reads nothing from the database for a current answer: its served state
/// (<see cref="ServedLog.Latest"/>) advances with its own appends, the only ones. Replicas sharing a PostgreSQL store
/// read the log's size first (one small query; the follower has usually caught up already), so that no answer is
/// older than the log at the time of the call, whichever replica accepted the latest release. An answer is a function of the
/// request and the tree size: it is computed once per tree size and request (publication view included) and given
/// again to the same request at that tree size. "As of" answers are kept the same way under the tree size they
/// resolve to (finding it reads the checkpoint from the store). At most <see cref="MaxRememberedAnswers"/> answers and
/// <see cref="MaxRememberedTrees"/> tree sizes are kept.
/// </remarks>
public sealed class QueryEngine
{
    /// <summary>Most different answers kept, all tree sizes together.</summary>
    public const int MaxRememberedAnswers = 1024;

    /// <summary>Most tree sizes (the current one and "as of" ones) whose laid-out figures and answers are kept.</summary>
    public const int MaxRememberedTrees = 4;

    private readonly DatasetCatalog _catalog;
    private readonly ServedLog _served;
    private readonly TransparencyLog _log;
    private readonly AnswerProvenance _provenance;
    private readonly bool _othersAppend;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<long, AnswersOfTree> _trees = new();
    private int _rememberedAnswers;

    public QueryEngine(
        DatasetCatalog catalog, ServedLog served, TransparencyLog log, AnswerProvenance provenance, IOptions<GatewayOptions> options, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _provenance = provenance;
        _catalog = catalog;
        _served = served;
        _log = log;
        _othersAppend = options.Value.UsesPostgres;
    }

    public async Task<QueryResponse> QueryAsync(QueryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var snapshot = _othersAppend ? await _served.CurrentAsync(cancellationToken) : _served.Latest;
        QueryPlan? plan = null;
        var treeSize = snapshot.TreeSize;
        StoredCheckpoint? asOf = null;
        if (request.AsOfTreeSize != 0 || request.AsOfTime is not null)
        {
            plan = Plan(request);
            asOf = await _log.ResolveAsOfAsync(
                request.AsOfTreeSize > long.MaxValue ? -1 : (long)request.AsOfTreeSize,
                request.AsOfTime?.ToDateTimeOffset(),
                cancellationToken);
            treeSize = asOf!.TreeSize;
            if (treeSize > snapshot.TreeSize)
            {
                // Checkpointed by another replica before this one heard of it: catch up (and verify) first.
                snapshot = await _served.CurrentAsync(cancellationToken);
            }
        }

        var answers = AnswersAt(treeSize);
        var key = request.ToByteString();
        if (answers.ByRequest.TryGetValue(key, out var remembered) && _timeProvider.GetUtcNow() < remembered.MarksHoldUntil)
        {
            return remembered.Response;
        }

        plan ??= Plan(request);
        var response = Answer(request, plan, answers.TablesOf(snapshot, plan.Dataset.Id), cancellationToken);
        // Provenance is part of the answer kept for this tree size: the checkpoint it was computed at and when.
        var checkpoint = asOf ?? await _log.CheckpointAsync(treeSize, "as_of_tree_size", cancellationToken);
        _provenance.Add(request, response, snapshot, checkpoint, asOf is not null);
        // A current answer's preliminary marks refer to now: kept until the first of its preliminary years' last
        // editions falls due (then computed again, its figures alike, that year's "p" gone). "As of" marks refer to the checkpoint.
        var kept = new KeptAnswer(response, asOf is null ? RevisionMarks.PreliminaryUntil(plan.Dataset, response) : DateTimeOffset.MaxValue);
        if (remembered is not null)
        {
            answers.ByRequest[key] = kept;
        }
        else if (Volatile.Read(ref _rememberedAnswers) < MaxRememberedAnswers && answers.ByRequest.TryAdd(key, kept))
        {
            Interlocked.Increment(ref _rememberedAnswers);
        }

        return response;
    }

    // The answers and laid-out figures of a tree size; when too many tree sizes are kept, all but the largest are forgotten.
    private AnswersOfTree AnswersAt(long treeSize)
    {
        if (_trees.TryGetValue(treeSize, out var answers))
        {
            return answers;
        }

        if (_trees.Count >= MaxRememberedTrees)
        {
            var newest = _trees.Keys.Max();
            foreach (var old in _trees.Keys.Where(size => size != newest))
            {
                _trees.TryRemove(old, out _);
            }

            Volatile.Write(ref _rememberedAnswers, _trees.Values.Sum(t => t.ByRequest.Count));
        }

        return _trees.GetOrAdd(treeSize, size => new AnswersOfTree(size));
    }

    private static QueryResponse Answer(QueryRequest request, QueryPlan plan, ServedTables tables, CancellationToken cancellationToken)
    {
        var response = new QueryResponse { DatasetId = plan.Dataset.Id, TableId = plan.Table.Id, TreeSize = (ulong)tables.TreeSize };
        foreach (var dimension in plan.GroupBy)
        {
            response.GroupBy.Add(dimension.Id);
        }

        var years = plan.Years.Count > 0 ? plan.Years : tables.Years;
        var estimates = plan.Dataset.Protection.IsNoise ? tables.Estimates(plan.Dataset) : null;
        if (estimates is not null)
        {
            AddEstimatedRows(request, plan, estimates, years, response, cancellationToken);
        }
        else
        {
            AddSummedRows(request, plan, tables.Table(plan.Table), years, response, cancellationToken);
        }

        if (request.Publication)
        {
            // One published table per year for all jurisdictions, whatever was asked, so a jurisdiction's published
            // figures do not depend on which others the query names; solved once per tree size and grouping.
            var grouping = new PublicationGrouping(plan.Table, plan.GroupBy.Select(d => d.Id).ToArray(), plan.Filters);
            Func<PublishedYear> Solver(int year)
            {
                if (estimates is not null)
                {
                    return () => PublicationView.Solve(grouping, estimates, year, cancellationToken);
                }

                var totalTable = plan.Dataset.Tables.FirstOrDefault(t => t.Dimensions.Count == 0);
                var totals = totalTable is null ? null : tables.Table(totalTable);
                return () => PublicationView.Solve(grouping, tables.Table(plan.Table), totals, year, cancellationToken);
            }

            PublicationView.Apply(response, grouping, year => tables.Published(plan.Table.Id, grouping.Key, year, Solver(year)), cancellationToken);
        }

        return response;
    }

    // Noise: a jurisdiction's figure is the generalised least-squares estimate from every table its release measured
    // (ReleaseEstimates), with its exact variance; a national figure is the sum over the contributing jurisdictions
    // (independent noise: the variances add). A jurisdiction contributes when its release of the year determines the
    // query's cells.
    private static void AddEstimatedRows(
        QueryRequest request, QueryPlan plan, ReleaseEstimates estimates, IReadOnlyList<int> years, QueryResponse response, CancellationToken cancellationToken)
    {
        var queryCells = QueryCells.Of(plan.GroupBy.Select(d => d.Id).ToArray(), plan.GroupCodes, plan.Filters);
        var jurisdictions = plan.Jurisdictions;
        var fits = new ReleaseFit?[jurisdictions.Length];
        var cells = new EstimableCell[]?[jurisdictions.Length];
        var contributing = new List<string>(jurisdictions.Length);
        var missing = new List<string>(jurisdictions.Length);
        foreach (var year in years)
        {
            cancellationToken.ThrowIfCancellationRequested();
            contributing.Clear();
            missing.Clear();
            for (var j = 0; j < jurisdictions.Length; j++)
            {
                fits[j] = estimates.Find(year, jurisdictions[j]);
                cells[j] = fits[j] is { } fit ? queryCells.Under(fit.Estimator) : null;
                (cells[j] is null ? missing : contributing).Add(jurisdictions[j]);
            }

            for (var g = 0; g < plan.GroupCodes.Length; g++)
            {
                if (request.ByJurisdiction)
                {
                    for (var j = 0; j < jurisdictions.Length; j++)
                    {
                        var cell = cells[j]?[g];
                        var row = EstimatedRow(year, jurisdictions[j], plan.GroupCodes[g], cell is null ? 0 : fits[j]!.Estimate(cell), cell?.Variance ?? 0, cell is not null);
                        (cell is null ? row.MissingJurisdictions : row.ContributingJurisdictions).Add(jurisdictions[j]);
                        response.Rows.Add(row);
                    }
                }
                else
                {
                    double estimate = 0, variance = 0;
                    for (var j = 0; j < jurisdictions.Length; j++)
                    {
                        if (cells[j]?[g] is { } cell)
                        {
                            estimate += fits[j]!.Estimate(cell);
                            variance += cell.Variance;
                        }
                    }

                    var row = EstimatedRow(year, string.Empty, plan.GroupCodes[g], estimate, variance, contributing.Count > 0);
                    row.ContributingJurisdictions.AddRange(contributing);
                    row.MissingJurisdictions.AddRange(missing);
                    response.Rows.Add(row);
                }
            }
        }
    }

    // Random rounding (no noise distribution to combine by): the answering table's cells summed, with their variances.
    private static void AddSummedRows(
        QueryRequest request, QueryPlan plan, TableCells cells, IReadOnlyList<int> years, QueryResponse response, CancellationToken cancellationToken)
    {
        var protection = plan.Dataset.Protection.Of(plan.Table.Id);
        var jurisdictions = plan.Jurisdictions;
        var blocks = new CellBlock?[jurisdictions.Length];
        var contributing = new List<string>(jurisdictions.Length);
        var missing = new List<string>(jurisdictions.Length);
        foreach (var year in years)
        {
            cancellationToken.ThrowIfCancellationRequested();
            contributing.Clear();
            missing.Clear();
            for (var j = 0; j < jurisdictions.Length; j++)
            {
                // A jurisdiction contributes when its release of the year has a cell the filters keep.
                var block = cells.Find(year, jurisdictions[j]);
                blocks[j] = block is not null && block.AnyPresent(plan.MatchingPositions) ? block : null;
                (blocks[j] is null ? missing : contributing).Add(jurisdictions[j]);
            }

            for (var g = 0; g < plan.GroupCodes.Length; g++)
            {
                var positions = plan.GroupPositions[g];
                if (request.ByJurisdiction)
                {
                    for (var j = 0; j < jurisdictions.Length; j++)
                    {
                        var row = CreateRow(protection, year, jurisdictions[j], plan.GroupCodes[g], Sum(blocks[j], positions, default), blocks[j] is not null);
                        (blocks[j] is null ? row.MissingJurisdictions : row.ContributingJurisdictions).Add(jurisdictions[j]);
                        response.Rows.Add(row);
                    }
                }
                else
                {
                    var sum = default(CellSum);
                    foreach (var block in blocks)
                    {
                        sum = Sum(block, positions, sum);
                    }

                    var row = CreateRow(protection, year, string.Empty, plan.GroupCodes[g], sum, contributing.Count > 0);
                    row.ContributingJurisdictions.AddRange(contributing);
                    row.MissingJurisdictions.AddRange(missing);
                    response.Rows.Add(row);
                }
            }
        }
    }

    // A GLS row: the value is the estimate rounded to the nearest integer (halves away from zero); the margin is the
    // normal 95% margin of the estimate (a weighted sum of independent noise terms), the status from the estimate.
    private static QueryRow EstimatedRow(int year, string jurisdiction, string[] codes, double estimate, double variance, bool reported)
    {
        var row = new QueryRow
        {
            ReferenceYear = year,
            Jurisdiction = jurisdiction,
            Value = reported ? (long)Math.Round(estimate, MidpointRounding.AwayFromZero) : 0,
            Estimate = reported ? estimate : 0,
            Variance = variance,
            Margin = Reliability.Margin(variance),
            Status = reported ? Reliability.Classify(estimate, variance) : CellStatus.NotAvailable,
        };
        row.Codes.AddRange(codes);
        return row;
    }

    // The value, variance and number of the sent cells of a block at some positions, added to a sum.
    private static CellSum Sum(CellBlock? block, int[] positions, CellSum sum)
    {
        if (block is null)
        {
            return sum;
        }

        foreach (var position in positions)
        {
            if (block.IsPresent(position))
            {
                sum = new CellSum(sum.Value + block.Value(position), sum.Variance + block.Variance(position), sum.Cells + 1);
            }
        }

        return sum;
    }

    private static QueryRow CreateRow(TableProtection protection, int year, string jurisdiction, string[] codes, CellSum sum, bool reported)
    {
        var row = new QueryRow
        {
            ReferenceYear = year,
            Jurisdiction = jurisdiction,
            Value = sum.Value,
            Variance = sum.Variance,
            Margin = NoiseMargin.Of(protection, sum.Cells) ?? Reliability.Margin(sum.Variance),
            Status = reported ? Reliability.Classify(sum.Value, sum.Variance) : CellStatus.NotAvailable,
        };
        row.Codes.AddRange(codes);
        return row;
    }

    private QueryPlan Plan(QueryRequest request)
    {
        var violations = new List<FieldViolation>();
        var dataset = _catalog.Find(request.DatasetId);
        if (dataset is null)
        {
            throw new RequestRefusedException(
                RefusalKind.InvalidArgument,
                $"Unknown dataset '{request.DatasetId}'. Known datasets: {string.Join(", ", _catalog.Datasets.Select(d => d.Id))}.",
                "dataset_id");
        }

        var groupBy = new List<DimensionDefinition>();
        for (var i = 0; i < request.GroupBy.Count; i++)
        {
            var dimension = dataset.FindDimension(request.GroupBy[i]);
            if (dimension is null)
            {
                violations.Add(new FieldViolation($"group_by[{i}]", UnknownDimension(dataset, request.GroupBy[i])));
            }
            else if (groupBy.Contains(dimension))
            {
                violations.Add(new FieldViolation($"group_by[{i}]", $"Dimension '{dimension.Id}' is named twice."));
            }
            else
            {
                groupBy.Add(dimension);
            }
        }

        var filters = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        for (var i = 0; i < request.Filters.Count; i++)
        {
            var filter = request.Filters[i];
            var dimension = dataset.FindDimension(filter.DimensionId);
            if (dimension is null)
            {
                violations.Add(new FieldViolation($"filters[{i}].dimension_id", UnknownDimension(dataset, filter.DimensionId)));
                continue;
            }

            if (filters.ContainsKey(dimension.Id))
            {
                violations.Add(new FieldViolation($"filters[{i}].dimension_id", $"Dimension '{dimension.Id}' is filtered twice."));
                continue;
            }

            if (filter.Codes.Count == 0)
            {
                violations.Add(new FieldViolation($"filters[{i}].codes", $"A filter on '{dimension.Id}' needs at least one code."));
            }

            for (var j = 0; j < filter.Codes.Count; j++)
            {
                if (!dimension.Contains(filter.Codes[j]))
                {
                    violations.Add(new FieldViolation(
                        $"filters[{i}].codes[{j}]",
                        $"'{filter.Codes[j]}' is not a code of '{dimension.Id}'. Codes: {string.Join(", ", dimension.Codes.Select(c => c.Code))}."));
                }
            }

            filters[dimension.Id] = filter.Codes.ToHashSet(StringComparer.Ordinal);
        }

        for (var i = 0; i < request.Years.Count; i++)
        {
            if (request.Years[i] is < 1900 or > 9999)
            {
                violations.Add(new FieldViolation($"years[{i}]", $"{request.Years[i]} is not a reference year."));
            }
        }

        for (var i = 0; i < request.Jurisdictions.Count; i++)
        {
            if (!dataset.Jurisdictions.Contains(request.Jurisdictions[i]))
            {
                violations.Add(new FieldViolation(
                    $"jurisdictions[{i}]",
                    $"'{request.Jurisdictions[i]}' is not a jurisdiction of {dataset.Id}. Jurisdictions: {string.Join(", ", dataset.Jurisdictions)}."));
            }
        }

        if (violations.Count > 0)
        {
            throw new RequestRefusedException(RefusalKind.InvalidArgument, "The query is not valid: " + violations[0].Description, violations);
        }

        var needed = groupBy.Select(d => d.Id).Concat(filters.Keys).ToArray();
        var covering = dataset.TablesCovering(needed);
        var table = covering.Count > 0 ? TableChoice.LeastVariance(dataset, covering, groupBy.Select(d => d.Id).ToArray(), filters) : null;
        if (table is null)
        {
            var tables = string.Join("; ", dataset.Tables.Select(t =>
                $"{t.Id} ({(t.Dimensions.Count == 0 ? "total" : string.Join(" x ", t.Dimensions.Select(d => d.Id)))})"));
            var message = $"No table of {dataset.Id} covers {string.Join(", ", needed)} together. Tables: {tables}.";
            throw new RequestRefusedException(RefusalKind.InvalidArgument, message, request.GroupBy.Count > 0 ? "group_by" : "filters");
        }

        var jurisdictions = request.Jurisdictions.Count > 0
            ? dataset.Jurisdictions.Where(request.Jurisdictions.Contains).ToArray()
            : dataset.Jurisdictions.ToArray();
        return new QueryPlan(dataset, table, groupBy, filters, request.Years.Distinct().Order().ToArray(), jurisdictions);
    }

    // The answers given at one tree size, by the request's bytes (never changed once given: callers only read them),
    // and the figures of that tree size laid out per dataset.
    private sealed class AnswersOfTree(long treeSize)
    {
        private readonly ConcurrentDictionary<string, Lazy<ServedTables>> _tables = new(StringComparer.Ordinal);

        public ConcurrentDictionary<ByteString, KeptAnswer> ByRequest { get; } = new();

        /// <summary>The figures of a dataset at this tree size, laid out from <paramref name="snapshot"/> (which holds at least this many leaves) on first use.</summary>
        public ServedTables TablesOf(ServedSnapshot snapshot, string datasetId) =>
            _tables.GetOrAdd(datasetId, id => new Lazy<ServedTables>(() => ServedTables.Of(snapshot, id, treeSize))).Value;
    }

    private static string UnknownDimension(DatasetDefinition dataset, string id) =>
        $"'{id}' is not a dimension of {dataset.Id}. Dimensions: {string.Join(", ", dataset.Dimensions.Select(d => d.Id))}.";

    private readonly record struct CellSum(long Value, double Variance, int Cells);

    // An answer given, and until when its preliminary marks hold (DateTimeOffset.MaxValue: for as long as it is kept).
    private sealed record KeptAnswer(QueryResponse Response, DateTimeOffset MarksHoldUntil);

    // A checked query on its answering table: the groups it answers (code combinations of the grouped dimensions,
    // restricted by the filters, in code-list order, first dimension slowest), and the table's cell positions that add
    // up to each (those the filters keep).
    private sealed class QueryPlan
    {
        public QueryPlan(
            DatasetDefinition dataset,
            TableDefinition table,
            IReadOnlyList<DimensionDefinition> groupBy,
            IReadOnlyDictionary<string, HashSet<string>> filters,
            IReadOnlyList<int> years,
            string[] jurisdictions)
        {
            Dataset = dataset;
            Table = table;
            GroupBy = groupBy;
            Filters = filters;
            Years = years;
            Jurisdictions = jurisdictions;

            // Per grouped dimension, the codes kept (in code-list order) and each code's rank among them (-1: filtered out).
            var kept = groupBy.Select(d => d.Codes.Select(c => c.Code).Where(c => !filters.TryGetValue(d.Id, out var codes) || codes.Contains(c)).ToArray()).ToArray();
            var rank = groupBy.Select((d, k) => d.Codes.Select(c => Array.IndexOf(kept[k], c.Code)).ToArray()).ToArray();
            string[][] groupCodes = [[]];
            foreach (var codes in kept)
            {
                groupCodes = groupCodes.SelectMany(g => codes.Select(c => (string[])[.. g, c])).ToArray();
            }

            GroupCodes = groupCodes;
            var layout = new CellLayout(table.Dimensions);
            var groupIndexes = groupBy.Select(d => table.IndexOf(d.Id)).ToArray();
            var filterChecks = filters.Select(f => (Index: table.IndexOf(f.Key), Dimension: table.Dimensions[table.IndexOf(f.Key)], Codes: f.Value)).ToArray();
            var positions = groupCodes.Select(_ => new List<int>()).ToArray();
            var matching = new List<int>();
            for (var position = 0; position < layout.CellCount; position++)
            {
                var filtersKeep = true;
                foreach (var (index, dimension, codes) in filterChecks)
                {
                    filtersKeep &= codes.Contains(dimension.Codes[layout.CodeIndexAt(position, index)].Code);
                }

                if (!filtersKeep)
                {
                    continue;
                }

                matching.Add(position);
                var h = 0;
                for (var k = 0; k < groupIndexes.Length; k++)
                {
                    h = (h * kept[k].Length) + rank[k][layout.CodeIndexAt(position, groupIndexes[k])];
                }

                positions[h].Add(position);
            }

            GroupPositions = positions.Select(p => p.ToArray()).ToArray();
            MatchingPositions = [.. matching];
        }

        public DatasetDefinition Dataset { get; }

        public TableDefinition Table { get; }

        public IReadOnlyList<DimensionDefinition> GroupBy { get; }

        public IReadOnlyDictionary<string, HashSet<string>> Filters { get; }

        /// <summary>The years asked, ascending; empty: every year reported.</summary>
        public IReadOnlyList<int> Years { get; }

        public string[] Jurisdictions { get; }

        public string[][] GroupCodes { get; }

        public int[][] GroupPositions { get; }

        public int[] MatchingPositions { get; }
    }
}
