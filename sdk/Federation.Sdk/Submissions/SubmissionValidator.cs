using Federation.Contracts.V1;
using Federation.Sdk.Catalog;

namespace Federation.Sdk.Submissions;

/// <summary>
/// Checks a submission against the catalogue: known dataset and jurisdiction, plausible period and production time, the
/// dataset's protection, and every table's complete grid of valid, protected cells. Node and gateway apply the same rules.
/// </summary>
public sealed class SubmissionValidator
{
    /// <summary>How many violations are listed before the rest are only counted.</summary>
    public const int MaxListedViolations = 100;

    /// <summary>The earliest reference year accepted.</summary>
    public const int EarliestReferenceYear = 1900;

    /// <summary>
    /// The largest magnitude a protected cell value may have. Far above any count a jurisdiction identifies in a year,
    /// and small enough that every sum the gateway forms (cells x jurisdictions x years x revisions) fits in 64 bits.
    /// </summary>
    public const long MaxCellMagnitude = 1_000_000_000;

    /// <summary>The maximum length of a node id.</summary>
    public const int MaxNodeIdLength = 256;

    /// <summary>How far in the future a production time may be, to allow for clocks that disagree.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private const string Root = "submission";
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TableDefinition, TableGrid> s_grids = new();

    private readonly DatasetCatalog _catalog;
    private readonly TimeProvider _timeProvider;

    public SubmissionValidator(DatasetCatalog catalog, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _catalog = catalog;
        _timeProvider = timeProvider;
    }

    /// <summary>Every rule the submission breaks (the first <see cref="MaxListedViolations"/>, then a count); empty when it is valid.</summary>
    public IReadOnlyList<FieldViolation> Validate(Submission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var violations = new ViolationList(MaxListedViolations);
        var now = _timeProvider.GetUtcNow();
        CheckNodeId(submission, violations);
        CheckReferenceYear(submission, now, violations);
        CheckProducedAt(submission, now, violations);
        var dataset = FindDataset(submission, violations);
        if (dataset is not null)
        {
            CheckJurisdiction(submission, dataset, violations);
            CheckProtection(submission, dataset, violations);
            CheckTables(submission, dataset, violations);
        }

        return violations.ToList();
    }

    /// <summary>The catalogue's definition of a submission's dataset (known once the submission is valid).</summary>
    public DatasetDefinition DatasetOf(Submission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        return _catalog.Get(submission.DatasetId);
    }

    private static void CheckNodeId(Submission submission, ViolationList violations)
    {
        const string field = Root + ".node_id";
        if (string.IsNullOrWhiteSpace(submission.NodeId))
        {
            violations.Add(field, "The node_id is missing: name the node that produced the release (its certificate subject).");
        }
        else if (submission.NodeId.Length > MaxNodeIdLength)
        {
            violations.Add(field, $"The node_id has {submission.NodeId.Length} characters; at most {MaxNodeIdLength} are allowed.");
        }
    }

    private static void CheckReferenceYear(Submission submission, DateTimeOffset now, ViolationList violations)
    {
        const string field = Root + ".reference_year";
        var year = submission.ReferenceYear;
        if (year == 0)
        {
            violations.Add(field, "The reference_year is missing.");
        }
        else if (year < EarliestReferenceYear)
        {
            violations.Add(field, $"Reference year {year} is before {EarliestReferenceYear}; it cannot be a reference year of this federation.");
        }
        else if (year > now.Year)
        {
            violations.Add(field, $"Reference year {year} is in the future: the current year is {now.Year}.");
        }
    }

    private static void CheckProducedAt(Submission submission, DateTimeOffset now, ViolationList violations)
    {
        const string field = Root + ".produced_at";
        if (submission.ProducedAt is null)
        {
            violations.Add(field, "The produced_at time is missing.");
            return;
        }

        DateTimeOffset producedAt;
        try
        {
            producedAt = submission.ProducedAt.ToDateTimeOffset();
        }
        catch (InvalidOperationException)
        {
            violations.Add(field, "The produced_at time is not a valid timestamp (seconds or nanos out of range).");
            return;
        }

        if (producedAt > now + ClockSkew)
        {
            violations.Add(field,
                $"The produced_at time {producedAt.UtcDateTime:u} is in the future: it is {now.UtcDateTime:u} now "
                + $"and clocks may differ by at most {ClockSkew.TotalMinutes:0} minutes.");
        }
    }

    private DatasetDefinition? FindDataset(Submission submission, ViolationList violations)
    {
        const string field = Root + ".dataset_id";
        var known = string.Join(", ", _catalog.Datasets.Select(d => d.Id));
        if (string.IsNullOrWhiteSpace(submission.DatasetId))
        {
            violations.Add(field, $"The dataset_id is missing. Known datasets: {known}.");
            return null;
        }

        var dataset = _catalog.Find(submission.DatasetId);
        if (dataset is null)
        {
            violations.Add(field, $"Unknown dataset '{submission.DatasetId}'. Known datasets: {known}.");
        }

        return dataset;
    }

    private static void CheckJurisdiction(Submission submission, DatasetDefinition dataset, ViolationList violations)
    {
        const string field = Root + ".jurisdiction";
        var expected = string.Join(", ", dataset.Jurisdictions);
        if (string.IsNullOrWhiteSpace(submission.Jurisdiction))
        {
            violations.Add(field, $"The jurisdiction is missing; dataset {dataset.Id} is reported by {expected}.");
        }
        else if (!dataset.Jurisdictions.Contains(submission.Jurisdiction, StringComparer.Ordinal))
        {
            violations.Add(field,
                $"'{submission.Jurisdiction}' is not a jurisdiction of dataset {dataset.Id}; expected one of {expected} (upper case, without 'CA-').");
        }
    }

    private static void CheckProtection(Submission submission, DatasetDefinition dataset, ViolationList violations)
    {
        const string field = Root + ".protection";
        var policy = dataset.Protection;
        var declared = submission.Protection;
        if (declared is null)
        {
            violations.Add(field, $"The protection is missing; dataset {dataset.Id} requires {policy}.");
            return;
        }

        var required = policy.ToContract();
        var budget = policy.IsNoise ? policy.BudgetRho.ToString() : string.Empty;
        if (declared.BudgetRho != budget)
        {
            violations.Add(field + ".budget_rho", policy.IsNoise
                ? $"The budget_rho '{declared.BudgetRho}' does not match dataset {dataset.Id}, whose budget is rho {policy.BudgetRho} per node and reference year."
                : $"The budget_rho '{declared.BudgetRho}' is set, but dataset {dataset.Id} is protected by random rounding, which spends no privacy budget.");
        }

        // The policy-level mechanism and rounding base are what readers from before per-table mechanisms see: when
        // declared, they are the catalogue's; without table entries (that older form) they are the whole declaration.
        var legacy = declared.TableNoise.Count == 0;
        if ((declared.Mechanism != ProtectionMechanism.Unspecified || legacy) && declared.Mechanism != required.Mechanism)
        {
            violations.Add(field + ".mechanism", required.Mechanism == ProtectionMechanism.Unspecified
                ? $"The protection mechanism {declared.Mechanism} does not match dataset {dataset.Id}, whose tables use different mechanisms ({policy}); declare each table's in table_noise."
                : $"The protection mechanism {declared.Mechanism} does not match dataset {dataset.Id}, which requires {policy}.");
            if (legacy)
            {
                return;
            }
        }
        else if ((declared.RoundingBase != 0 || legacy) && required.RoundingBase != 0 && declared.RoundingBase != required.RoundingBase)
        {
            violations.Add(field + ".rounding_base",
                $"The rounding base {declared.RoundingBase} does not match dataset {dataset.Id}, which requires {policy}.");
            if (legacy)
            {
                return;
            }
        }

        CheckTableProtections(declared, dataset, violations);
    }

    // Each table's declared mechanism and parameter must be the catalogue's; every violation names the table.
    private static void CheckTableProtections(Contracts.V1.ProtectionPolicy declared, DatasetDefinition dataset, ViolationList violations)
    {
        const string field = Root + ".protection";
        var policy = dataset.Protection;
        // A rounding policy without entries is the form written before per-table mechanisms: its faults are the policy's.
        var legacy = declared.TableNoise.Count == 0;
        var entries = declared.TableEntries(dataset.Tables.Select(t => t.Id));
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var entryField = legacy ? field : $"{field}.table_noise[{i}]";
            var required = policy.Find(entry.TableId);
            if (required is null)
            {
                violations.Add(entryField + ".table_id",
                    $"'{entry.TableId}' is not a table of dataset {dataset.Id}; its tables are {string.Join(", ", dataset.Tables.Select(t => t.Id))}.");
            }
            else if (!seen.TryAdd(entry.TableId, i))
            {
                violations.Add(entryField + ".table_id", $"The protection of table {entry.TableId} is declared twice (first at table_noise[{seen[entry.TableId]}]).");
            }
            else if (!CatalogContract.TryReadTable(entry, declared, out var applied, out var faulty, out var problem))
            {
                violations.Add(entryField + faulty, $"{problem} Dataset {dataset.Id} requires {required.Parameters} for table {required.TableId}.");
            }
            else if (applied != required)
            {
                var fault = applied.Mechanism != required.Mechanism
                    ? ".mechanism"
                    : required.Mechanism switch
                    {
                        ProtectionMechanismKind.DiscreteGaussian => ".variance",
                        ProtectionMechanismKind.DiscreteLaplace => ".scale",
                        _ => ".rounding_base",
                    };
                violations.Add(entryField + fault,
                    $"Table {entry.TableId} declares {applied.Parameters}, but dataset {dataset.Id} requires {required.Parameters} for it.");
            }
            else if (entry.Rho.Length > 0 && !(Privacy.Rational.TryParse(entry.Rho, out var rho) && rho == required.Rho))
            {
                violations.Add(entryField + ".rho",
                    $"Table {entry.TableId} declares rho '{entry.Rho}', but {required.Parameters} costs rho {required.Rho} per release.");
            }
        }

        foreach (var missing in policy.Tables.Where(t => !seen.ContainsKey(t.TableId)))
        {
            violations.Add(field + ".table_noise",
                $"The protection of table {missing.TableId} is not declared: a release under {dataset.Id} declares every table's ({missing.Parameters} for {missing.TableId}).");
        }
    }

    private static void CheckTables(Submission submission, DatasetDefinition dataset, ViolationList violations)
    {
        var firstIndexOfTable = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < submission.Tables.Count; i++)
        {
            var release = submission.Tables[i];
            var field = $"{Root}.tables[{i}].table_id";
            var table = dataset.FindTable(release.TableId);
            if (string.IsNullOrWhiteSpace(release.TableId))
            {
                violations.Add(field, "The table_id is missing.");
            }
            else if (table is null)
            {
                violations.Add(field,
                    $"'{release.TableId}' is not a table of dataset {dataset.Id}; its tables are {string.Join(", ", dataset.Tables.Select(t => t.Id))}.");
            }
            else if (firstIndexOfTable.TryGetValue(table.Id, out var first))
            {
                violations.Add(field, $"Table {table.Id} appears more than once (first at tables[{first}]); send each table exactly once.");
            }
            else
            {
                firstIndexOfTable.Add(table.Id, i);
                CheckCells(release, i, table, dataset.Protection.Of(table.Id), violations);
            }
        }

        foreach (var table in dataset.Tables.Where(t => !firstIndexOfTable.ContainsKey(t.Id)))
        {
            violations.Add(Root + ".tables",
                $"Table {table.Id} ({table.Title}) is missing: every table of dataset {dataset.Id} is sent, even when all its cells are zero.");
        }
    }

    private static void CheckCells(TableRelease release, int tableIndex, TableDefinition table, TableProtection protection, ViolationList violations)
    {
        var cellsField = $"{Root}.tables[{tableIndex}].cells";
        if (release.Cells.Count == 0)
        {
            violations.Add(cellsField, $"Table {table.Id} has no cells: all {table.CellCount} cells of its grid are sent, zeros included.");
            return;
        }

        // Per place of the grid, 1 + the index of the cell sent for it (0: none yet). Field names are only formed for violations.
        var grid = s_grids.GetValue(table, t => new TableGrid(t));
        var cellAt = new int[table.CellCount];
        for (var j = 0; j < release.Cells.Count; j++)
        {
            var cell = release.Cells[j];
            var place = grid.PlaceOf(cell.Codes);
            if (place < 0)
            {
                ReportInvalidCodes(cell, $"{cellsField}[{j}]", table, violations);
            }
            else if (cellAt[place] != 0)
            {
                violations.Add($"{cellsField}[{j}]", $"Cell {Describe(table, cell.Codes)} of table {table.Id} appears more than once (first at cells[{cellAt[place] - 1}]).");
            }
            else
            {
                cellAt[place] = j + 1;
            }

            CheckValue(cell.Value, tableIndex, j, protection, violations);
        }

        if (Array.IndexOf(cellAt, 0) < 0)
        {
            return;
        }

        // The grid's places in the order EnumerateCells gives them (the last dimension varying fastest).
        var next = 0;
        foreach (var codes in table.EnumerateCells())
        {
            if (cellAt[next++] == 0)
            {
                violations.Add(cellsField, $"Cell {Describe(table, codes)} of table {table.Id} is missing; every cell of the grid is sent, zeros included.");
            }
        }
    }

    private static void ReportInvalidCodes(Cell cell, string cellField, TableDefinition table, ViolationList violations)
    {
        if (cell.Codes.Count != table.Dimensions.Count)
        {
            violations.Add(cellField + ".codes",
                $"The cell has {cell.Codes.Count} codes; table {table.Id} has {table.Dimensions.Count} dimensions "
                + $"({DimensionList(table)}), one code each in that order.");
            return;
        }

        for (var k = 0; k < cell.Codes.Count; k++)
        {
            var dimension = table.Dimensions[k];
            var code = cell.Codes[k];
            if (dimension.Contains(code))
            {
                continue;
            }

            var hint = table.Dimensions.Any(d => d.Contains(code))
                ? $" (it is a code of another dimension: codes are given in the order {DimensionList(table)})"
                : string.Empty;
            violations.Add($"{cellField}.codes[{k}]",
                $"'{code}' is not a code of dimension {dimension.Id}{hint}; its codes are {string.Join(", ", dimension.Codes.Select(c => c.Code))}.");
        }
    }

    private static void CheckValue(long value, int tableIndex, int cellIndex, TableProtection protection, ViolationList violations)
    {
        if (IsAllowed(value, protection))
        {
            return;
        }

        var field = $"{Root}.tables[{tableIndex}].cells[{cellIndex}].value";
        if (value is > MaxCellMagnitude or < -MaxCellMagnitude)
        {
            violations.Add(field, $"The value {value} is outside -{MaxCellMagnitude} to {MaxCellMagnitude}, the bound on any protected cell (table {protection.TableId}), so that sums cannot overflow.");
            return;
        }

        if (protection.IsNoise)
        {
            // Noise may take a small count below zero: that is the protection working, and the value is kept as drawn so
            // national sums stay unbiased. Publication rules at the gateway make published figures non-negative.
            return;
        }

        if (value < 0)
        {
            violations.Add(field, $"The value {value} is negative; under {protection.Parameters} (table {protection.TableId}) a protected count is never below zero.");
        }
        else if (value % protection.RoundingBase != 0)
        {
            violations.Add(field,
                $"The value {value} is not a multiple of {protection.RoundingBase}: under random rounding to base {protection.RoundingBase} every value of table {protection.TableId} is.");
        }
    }

    private static bool IsAllowed(long value, TableProtection protection) =>
        value is <= MaxCellMagnitude and >= -MaxCellMagnitude && (protection.IsNoise || (value >= 0 && value % protection.RoundingBase == 0));

    private static string DimensionList(TableDefinition table) =>
        table.Dimensions.Count == 0 ? "none" : string.Join(", ", table.Dimensions.Select(d => d.Id));

    /// <summary>A table's grid: each dimension's codes by their index, and the place of a cell in the grid.</summary>
    private sealed class TableGrid
    {
        private readonly Dictionary<string, int>[] _codeIndex;
        private readonly int[] _stride;

        public TableGrid(TableDefinition table)
        {
            var count = table.Dimensions.Count;
            _codeIndex = new Dictionary<string, int>[count];
            _stride = new int[count];
            var stride = 1;
            for (var d = count - 1; d >= 0; d--)
            {
                var codes = table.Dimensions[d].Codes;
                _codeIndex[d] = codes.Select((c, i) => (c.Code, i)).ToDictionary(c => c.Code, c => c.i, StringComparer.Ordinal);
                _stride[d] = stride;
                stride *= codes.Count;
            }
        }

        /// <summary>The cell's place in the grid (as <see cref="TableDefinition.EnumerateCells"/> counts), or -1 when its codes are not valid.</summary>
        public int PlaceOf(Google.Protobuf.Collections.RepeatedField<string> codes)
        {
            if (codes.Count != _codeIndex.Length)
            {
                return -1;
            }

            var place = 0;
            for (var d = 0; d < codes.Count; d++)
            {
                if (!_codeIndex[d].TryGetValue(codes[d], out var index))
                {
                    return -1;
                }

                place += index * _stride[d];
            }

            return place;
        }
    }

    private static string Describe(TableDefinition table, IReadOnlyList<string> codes) =>
        table.Dimensions.Count == 0
            ? "(total)"
            : "(" + string.Join(", ", table.Dimensions.Select((d, k) => $"{d.Id}={codes[k]}")) + ")";
}
