using System.Collections.Concurrent;
using Federation.Contracts.V1;
using Federation.Gateway.Serving;
using Federation.Gateway.Transparency;
using Federation.Sdk.Catalog;
using Federation.Sdk.Privacy;
using Federation.Sdk.Submissions;
using Google.Protobuf;

namespace Federation.Gateway.Query;

/// <summary>
/// Answers aggregate queries from the current releases: picks the covering table that answers with the least variance,
/// then sums the matching cells (and their noise variances) per reference year, nationally or per jurisdiction, says
/// who contributed and who is missing, and how reliable each figure is. On request, the publication view.
/// "As of" a checkpoint or time, the releases current then are used instead of the current ones.
/// </summary>
/// <remarks>
/// An answer about the current releases is a function of the request and the served state, which changes only when
/// the log grows: it is computed once per tree size and request (publication view included) and given again to the
/// same request until the log grows. "As of" questions are answered each time.
/// </remarks>
public sealed class QueryEngine
{
    /// <summary>Most different requests whose answers are kept for one tree size.</summary>
    public const int MaxRememberedAnswers = 1024;

    private readonly DatasetCatalog _catalog;
    private readonly ServedStatistics _store;
    private readonly TransparencyLog _log;
    private readonly AnswerProvenance _provenance;
    private AnswersOfTree _answers = new(-1);

    public QueryEngine(DatasetCatalog catalog, ServedStatistics store, TransparencyLog log, AnswerProvenance provenance)
    {
        _provenance = provenance;
        _catalog = catalog;
        _store = store;
        _log = log;
    }

    public async Task<QueryResponse> QueryAsync(QueryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.AsOfTreeSize != 0 || request.AsOfTime is not null)
        {
            return await AnswerAsync(request, cancellationToken);
        }

        // Read first: an answer computed at this tree size (or later, then not kept) is never older than the state.
        var treeSize = await _store.GetTreeSizeAsync(cancellationToken);
        var answers = Volatile.Read(ref _answers);
        if (answers.TreeSize != treeSize)
        {
            answers = new AnswersOfTree(treeSize);
            Volatile.Write(ref _answers, answers);
        }

        var key = request.ToByteString();
        if (answers.ByRequest.TryGetValue(key, out var remembered))
        {
            return remembered;
        }

        var response = await AnswerAsync(request, cancellationToken);
        if ((long)response.TreeSize == treeSize && answers.ByRequest.Count < MaxRememberedAnswers)
        {
            answers.ByRequest.TryAdd(key, response);
        }

        return response;
    }

    private async Task<QueryResponse> AnswerAsync(QueryRequest request, CancellationToken cancellationToken)
    {
        var plan = Plan(request);
        var asOf = await _log.ResolveAsOfAsync(
            request.AsOfTreeSize > long.MaxValue ? -1 : (long)request.AsOfTreeSize,
            request.AsOfTime?.ToDateTimeOffset(),
            cancellationToken);
        var years = plan.Years.Count > 0
            ? plan.Years
            : asOf is null
                ? await _store.GetReportedYearsAsync(plan.Dataset.Id, cancellationToken)
                : await _store.GetReportedYearsAsOfAsync(plan.Dataset.Id, asOf.TreeSize, cancellationToken);
        var cells = asOf is null
            ? await _store.GetCurrentCellsAsync(plan.Dataset.Id, plan.Table.Id, years, cancellationToken)
            : await _store.GetCellsAsOfAsync(plan.Dataset.Id, plan.Table.Id, years, asOf.TreeSize, cancellationToken);

        // Read after the cells: every release the answer used is within the first tree_size leaves.
        var checkpoint = asOf ?? await _log.GetLatestCheckpointAsync(cancellationToken);
        var treeSize = checkpoint.TreeSize;
        var response = new QueryResponse { DatasetId = plan.Dataset.Id, TableId = plan.Table.Id, TreeSize = (ulong)treeSize };
        response.GroupBy.AddRange(plan.GroupBy.Select(d => d.Id));
        var protection = plan.Dataset.Protection.Of(plan.Table.Id);
        foreach (var year in years.Order())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var reported = cells.Where(c => c.ReferenceYear == year && plan.Jurisdictions.Contains(c.Jurisdiction))
                .Where(plan.Matches)
                .ToArray();
            var contributing = plan.Jurisdictions.Where(j => reported.Any(c => c.Jurisdiction == j)).ToArray();
            var missing = plan.Jurisdictions.Except(contributing).ToArray();
            foreach (var group in plan.EnumerateGroups())
            {
                if (request.ByJurisdiction)
                {
                    foreach (var jurisdiction in plan.Jurisdictions)
                    {
                        var hasReported = contributing.Contains(jurisdiction);
                        response.Rows.Add(CreateRow(
                            protection,
                            year,
                            jurisdiction,
                            group,
                            reported.Where(c => c.Jurisdiction == jurisdiction && plan.InGroup(c, group)).ToArray(),
                            hasReported ? [jurisdiction] : [],
                            hasReported ? [] : [jurisdiction]));
                    }
                }
                else
                {
                    response.Rows.Add(CreateRow(
                        protection,
                        year,
                        string.Empty,
                        group,
                        reported.Where(c => plan.InGroup(c, group)).ToArray(),
                        contributing,
                        missing));
                }
            }
        }

        if (request.Publication)
        {
            // One published table per year for all jurisdictions, whatever was asked, so a jurisdiction's published
            // figures do not depend on which others the query names.
            var totalTable = plan.Dataset.Tables.FirstOrDefault(t => t.Dimensions.Count == 0);
            var totals = totalTable is null || totalTable == plan.Table
                ? null
                : asOf is null
                    ? await _store.GetCurrentCellsAsync(plan.Dataset.Id, totalTable.Id, years, cancellationToken)
                    : await _store.GetCellsAsOfAsync(plan.Dataset.Id, totalTable.Id, years, asOf.TreeSize, cancellationToken);
            PublicationView.Apply(
                response,
                plan.Table,
                plan.GroupBy.Select(d => d.Id).ToArray(),
                plan.Filters,
                cells,
                totalTable == plan.Table ? cells : totals,
                cancellationToken);
        }

        await _provenance.AddAsync(request, response, checkpoint, asOf is not null, cancellationToken);
        return response;
    }

    private static QueryRow CreateRow(
        TableProtection protection,
        int year,
        string jurisdiction,
        IReadOnlyList<string> group,
        CurrentCell[] cells,
        string[] contributing,
        string[] missing)
    {
        var value = cells.Sum(c => c.Value);
        var variance = cells.Sum(c => c.Variance);
        var row = new QueryRow
        {
            ReferenceYear = year,
            Jurisdiction = jurisdiction,
            Value = value,
            Variance = variance,
            Margin = NoiseMargin.Of(protection, cells.Length) ?? Reliability.Margin(variance),
            Status = contributing.Length > 0 ? Reliability.Classify(value, variance) : CellStatus.NotAvailable,
        };
        row.Codes.AddRange(group);
        row.ContributingJurisdictions.AddRange(contributing);
        row.MissingJurisdictions.AddRange(missing);
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
        return new QueryPlan(dataset, table, groupBy, filters, request.Years.Distinct().ToArray(), jurisdictions);
    }

    // The answers given at one tree size, by the request's bytes (never changed once given: callers only read them).
    private sealed record AnswersOfTree(long TreeSize)
    {
        public ConcurrentDictionary<ByteString, QueryResponse> ByRequest { get; } = new();
    }

    private static string UnknownDimension(DatasetDefinition dataset, string id) =>
        $"'{id}' is not a dimension of {dataset.Id}. Dimensions: {string.Join(", ", dataset.Dimensions.Select(d => d.Id))}.";

    private sealed record QueryPlan(
        DatasetDefinition Dataset,
        TableDefinition Table,
        IReadOnlyList<DimensionDefinition> GroupBy,
        IReadOnlyDictionary<string, HashSet<string>> Filters,
        IReadOnlyList<int> Years,
        IReadOnlyList<string> Jurisdictions)
    {
        private int[] GroupIndexes { get; } = GroupBy.Select(d => Table.IndexOf(d.Id)).ToArray();

        private (int Index, HashSet<string> Codes)[] FilterIndexes { get; } =
            Filters.Select(f => (Table.IndexOf(f.Key), f.Value)).ToArray();

        public bool Matches(CurrentCell cell) => FilterIndexes.All(f => f.Codes.Contains(cell.Codes[f.Index]));

        public bool InGroup(CurrentCell cell, IReadOnlyList<string> group)
        {
            for (var i = 0; i < GroupIndexes.Length; i++)
            {
                if (cell.Codes[GroupIndexes[i]] != group[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Every combination of the grouped dimensions' codes (restricted by filters), in code-list order.</summary>
        public IEnumerable<IReadOnlyList<string>> EnumerateGroups()
        {
            IEnumerable<IReadOnlyList<string>> groups = [Array.Empty<string>()];
            foreach (var dimension in GroupBy)
            {
                var codes = dimension.Codes.Select(c => c.Code)
                    .Where(c => !Filters.TryGetValue(dimension.Id, out var kept) || kept.Contains(c))
                    .ToArray();
                groups = groups.SelectMany(g => codes.Select(c => (IReadOnlyList<string>)[.. g, c])).ToArray();
            }

            return groups;
        }
    }
}
