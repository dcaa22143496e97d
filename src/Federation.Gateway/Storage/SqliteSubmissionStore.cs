using System.Globalization;
using Federation.Sdk.Transparency;
using Microsoft.Data.Sqlite;

namespace Federation.Gateway.Storage;

/// <summary>
/// The submission store in one SQLite file (WAL mode); every append is one immediate transaction, which also appends
/// the envelope's leaf to the transparency log and stores the checkpoint signed with <see cref="LogSigningKey"/>.
/// </summary>
public sealed partial class SqliteSubmissionStore : ISubmissionStore, ITransparencyLogStore
{
    private const char CodeSeparator = '|';

    private readonly SqliteDatabase _database;
    private readonly LogSigningKey _logKey;

    public SqliteSubmissionStore(string databasePath, LogSigningKey logKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        ArgumentNullException.ThrowIfNull(logKey);
        _logKey = logKey;
        _database = new SqliteDatabase(databasePath);
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS submissions (
                submission_id     TEXT    NOT NULL PRIMARY KEY,
                dataset_id        TEXT    NOT NULL,
                jurisdiction      TEXT    NOT NULL,
                reference_year    INTEGER NOT NULL,
                revision          INTEGER NOT NULL,
                produced_at       TEXT    NOT NULL,
                received_at       TEXT    NOT NULL,
                signer_subject    TEXT    NOT NULL,
                signer_thumbprint TEXT    NOT NULL,
                submission_bytes  BLOB    NOT NULL,
                signature         BLOB    NOT NULL,
                receipt           BLOB    NOT NULL,
                superseded_by     TEXT    NULL REFERENCES submissions (submission_id),
                UNIQUE (dataset_id, jurisdiction, reference_year, revision)
            );
            CREATE INDEX IF NOT EXISTS submissions_current
                ON submissions (dataset_id, reference_year, jurisdiction) WHERE superseded_by IS NULL;
            CREATE TABLE IF NOT EXISTS cells (
                submission_id TEXT    NOT NULL REFERENCES submissions (submission_id),
                table_id      TEXT    NOT NULL,
                codes         TEXT    NOT NULL,
                value         INTEGER NOT NULL,
                variance      REAL    NOT NULL DEFAULT 0,
                PRIMARY KEY (submission_id, table_id, codes)
            ) WITHOUT ROWID;
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
        await InitializeLogAsync(connection, cancellationToken);
    }

    public async Task<bool> IsAvailableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'submissions'";
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 1;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    public async Task<StoredSubmissionOrigin?> FindOriginAsync(string submissionId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT submission_id, dataset_id, jurisdiction, reference_year, revision, received_at, signer_subject, signer_thumbprint,
                   signature, superseded_by
            FROM submissions WHERE submission_id = $id
            """;
        command.Parameters.AddWithValue("$id", submissionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredSubmissionOrigin(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetInt32(3),
            reader.GetInt32(4),
            SqliteDatabase.ParseTime(reader.GetString(5)),
            reader.GetString(6),
            reader.GetString(7),
            (byte[])reader.GetValue(8),
            reader.IsDBNull(9) ? null : reader.GetString(9));
    }

    public async Task<int> CountSignedByAsync(string signerThumbprint, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM submissions WHERE signer_thumbprint = $thumbprint";
        command.Parameters.AddWithValue("$thumbprint", signerThumbprint);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<AppendResult> AppendAsync(
        NewSubmission submission,
        Func<int, string?, LogInclusion, byte[]> createReceipt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(createReceipt);

        await using var connection = await _database.OpenAsync(cancellationToken);
        // Microsoft.Data.Sqlite begins IMMEDIATE transactions by default: appends are serialized, reads are not blocked (WAL).
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);

        var existing = await ScalarAsync<byte[]>(
            connection,
            transaction,
            "SELECT receipt FROM submissions WHERE submission_id = $id",
            cancellationToken,
            ("$id", submission.SubmissionId));
        if (existing is not null)
        {
            return new AppendResult(AppendOutcome.AlreadyStored, existing, submission.SubmissionId);
        }

        string? currentId = null;
        var currentRevision = 0;
        DateTimeOffset? currentProducedAt = null;
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                SELECT submission_id, revision, produced_at FROM submissions
                WHERE dataset_id = $dataset AND jurisdiction = $jurisdiction AND reference_year = $year AND superseded_by IS NULL
                """;
            command.Parameters.AddWithValue("$dataset", submission.DatasetId);
            command.Parameters.AddWithValue("$jurisdiction", submission.Jurisdiction);
            command.Parameters.AddWithValue("$year", submission.ReferenceYear);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                currentId = reader.GetString(0);
                currentRevision = reader.GetInt32(1);
                currentProducedAt = SqliteDatabase.ParseTime(reader.GetString(2));
            }
        }

        if (currentProducedAt is { } producedAt && submission.ProducedAt <= producedAt)
        {
            return new AppendResult(AppendOutcome.OlderThanCurrent, null, currentId);
        }

        var revision = currentRevision + 1;
        var log = await PrepareLeafAsync(connection, transaction, submission, cancellationToken);
        var receipt = createReceipt(revision, currentId, log.Inclusion);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO submissions (submission_id, dataset_id, jurisdiction, reference_year, revision, produced_at, received_at,
                                         signer_subject, signer_thumbprint, submission_bytes, signature, receipt)
                VALUES ($id, $dataset, $jurisdiction, $year, $revision, $produced, $received, $subject, $thumbprint, $bytes, $signature, $receipt)
                """;
            insert.Parameters.AddWithValue("$id", submission.SubmissionId);
            insert.Parameters.AddWithValue("$dataset", submission.DatasetId);
            insert.Parameters.AddWithValue("$jurisdiction", submission.Jurisdiction);
            insert.Parameters.AddWithValue("$year", submission.ReferenceYear);
            insert.Parameters.AddWithValue("$revision", revision);
            insert.Parameters.AddWithValue("$produced", SqliteDatabase.FormatTime(submission.ProducedAt));
            insert.Parameters.AddWithValue("$received", SqliteDatabase.FormatTime(submission.ReceivedAt));
            insert.Parameters.AddWithValue("$subject", submission.SignerSubject);
            insert.Parameters.AddWithValue("$thumbprint", submission.SignerThumbprint);
            insert.Parameters.AddWithValue("$bytes", submission.SubmissionBytes);
            insert.Parameters.AddWithValue("$signature", submission.Signature);
            insert.Parameters.AddWithValue("$receipt", receipt);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await AppendLeafAsync(connection, transaction, submission, log, cancellationToken);
        if (currentId is not null)
        {
            await using var supersede = connection.CreateCommand();
            supersede.Transaction = transaction;
            supersede.CommandText = "UPDATE submissions SET superseded_by = $new WHERE submission_id = $old";
            supersede.Parameters.AddWithValue("$new", submission.SubmissionId);
            supersede.Parameters.AddWithValue("$old", currentId);
            await supersede.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var insertCell = connection.CreateCommand())
        {
            insertCell.Transaction = transaction;
            insertCell.CommandText = "INSERT INTO cells (submission_id, table_id, codes, value, variance) VALUES ($id, $table, $codes, $value, $variance)";
            insertCell.Parameters.AddWithValue("$id", submission.SubmissionId);
            var table = insertCell.Parameters.Add("$table", SqliteType.Text);
            var codes = insertCell.Parameters.Add("$codes", SqliteType.Text);
            var value = insertCell.Parameters.Add("$value", SqliteType.Integer);
            var variance = insertCell.Parameters.Add("$variance", SqliteType.Real);
            await insertCell.PrepareAsync(cancellationToken);
            foreach (var cell in submission.Cells)
            {
                table.Value = cell.TableId;
                codes.Value = JoinCodes(cell.Codes);
                value.Value = cell.Value;
                variance.Value = cell.Variance;
                await insertCell.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new AppendResult(AppendOutcome.Stored, receipt, submission.SubmissionId);
    }

    public async Task<IReadOnlyList<CurrentCell>> GetCurrentCellsAsync(
        string datasetId,
        string tableId,
        IReadOnlyCollection<int> years,
        CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT s.jurisdiction, s.reference_year, c.codes, c.value, c.variance
            FROM submissions s JOIN cells c ON c.submission_id = s.submission_id
            WHERE s.dataset_id = $dataset AND s.superseded_by IS NULL AND c.table_id = $table
            ORDER BY s.reference_year, s.jurisdiction
            """;
        command.Parameters.AddWithValue("$dataset", datasetId);
        command.Parameters.AddWithValue("$table", tableId);
        var wanted = years.Count == 0 ? null : years.ToHashSet();
        var cells = new List<CurrentCell>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var year = reader.GetInt32(1);
            if (wanted is not null && !wanted.Contains(year))
            {
                continue;
            }

            cells.Add(new CurrentCell(reader.GetString(0), year, SplitCodes(reader.GetString(2)), reader.GetInt64(3), reader.GetDouble(4)));
        }

        return cells;
    }

    public async Task<IReadOnlyList<int>> GetReportedYearsAsync(string datasetId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT DISTINCT reference_year FROM submissions
            WHERE dataset_id = $dataset AND superseded_by IS NULL ORDER BY reference_year
            """;
        command.Parameters.AddWithValue("$dataset", datasetId);
        var years = new List<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            years.Add(reader.GetInt32(0));
        }

        return years;
    }

    public async Task<IReadOnlyList<SubmissionHistoryEntry>> GetHistoryAsync(
        string datasetId,
        string jurisdiction,
        int referenceYear,
        CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT submission_id, revision, produced_at, received_at, superseded_by FROM submissions
            WHERE dataset_id = $dataset AND jurisdiction = $jurisdiction AND reference_year = $year
            ORDER BY revision
            """;
        command.Parameters.AddWithValue("$dataset", datasetId);
        command.Parameters.AddWithValue("$jurisdiction", jurisdiction);
        command.Parameters.AddWithValue("$year", referenceYear);
        var entries = new List<SubmissionHistoryEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new SubmissionHistoryEntry(
                reader.GetString(0),
                reader.GetInt32(1),
                SqliteDatabase.ParseTime(reader.GetString(2)),
                SqliteDatabase.ParseTime(reader.GetString(3)),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return entries;
    }

    private static async Task<T?> ScalarAsync<T>(
        SqliteConnection connection,
        SqliteTransaction transaction,
        string sql,
        CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
        where T : class
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteScalarAsync(cancellationToken) as T;
    }

    // Codes are closed code lists of upper-case identifiers, so the separator cannot occur inside one.
    private static string JoinCodes(IReadOnlyList<string> codes) => string.Join(CodeSeparator, codes);

    private static string[] SplitCodes(string joined) => joined.Length == 0 ? [] : joined.Split(CodeSeparator);

}
