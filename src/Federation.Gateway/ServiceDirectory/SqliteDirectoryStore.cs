using System.Globalization;
using Federation.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Federation.Gateway.Storage;
using Microsoft.Data.Sqlite;

namespace Federation.Gateway.ServiceDirectory;

/// <summary>The directory store, in the gateway's SQLite file beside the submissions (its own tables); appends are immediate transactions.</summary>
public sealed class SqliteDirectoryStore : IDirectoryStore
{
    private const string SnapshotKind = "snapshot";
    private const string CapacityKind = "capacity";

    private readonly SqliteDatabase _database;

    public SqliteDirectoryStore(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        _database = new SqliteDatabase(databasePath);
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS directory_releases (
                release_id        TEXT    NOT NULL PRIMARY KEY,
                jurisdiction      TEXT    NOT NULL,
                kind              TEXT    NOT NULL CHECK (kind IN ('snapshot', 'capacity')),
                snapshot_revision INTEGER NOT NULL,
                produced_at       TEXT    NOT NULL,
                received_at       TEXT    NOT NULL,
                signer_subject    TEXT    NOT NULL,
                signer_thumbprint TEXT    NOT NULL,
                release_bytes     BLOB    NOT NULL,
                signature         BLOB    NOT NULL,
                receipt           BLOB    NOT NULL,
                superseded_by     TEXT    NULL REFERENCES directory_releases (release_id)
            );
            CREATE INDEX IF NOT EXISTS directory_current_snapshot
                ON directory_releases (jurisdiction) WHERE kind = 'snapshot' AND superseded_by IS NULL;
            CREATE TABLE IF NOT EXISTS capacity_readings (
                release_id   TEXT    NOT NULL REFERENCES directory_releases (release_id),
                jurisdiction TEXT    NOT NULL,
                service_id   TEXT    NOT NULL,
                capacity_id  TEXT    NOT NULL,
                unit         INTEGER NOT NULL,
                sector       INTEGER NOT NULL,
                residential  INTEGER NOT NULL,
                available    INTEGER NOT NULL CHECK (available >= 0),
                maximum      INTEGER NOT NULL CHECK (maximum >= available),
                updated_at   TEXT    NOT NULL
            );
            CREATE INDEX IF NOT EXISTS capacity_readings_by_time ON capacity_readings (residential, unit, updated_at);
            CREATE TABLE IF NOT EXISTS capacity_current (
                jurisdiction TEXT    NOT NULL,
                service_id   TEXT    NOT NULL,
                capacity_id  TEXT    NOT NULL,
                unit         INTEGER NOT NULL,
                sector       INTEGER NOT NULL,
                available    INTEGER NOT NULL,
                maximum      INTEGER NOT NULL,
                updated_at   TEXT    NOT NULL,
                description  TEXT    NOT NULL,
                PRIMARY KEY (jurisdiction, service_id, capacity_id)
            ) WITHOUT ROWID;
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<DirectoryAppendResult> AppendSnapshotAsync(
        NewDirectoryRelease release,
        IReadOnlyList<NewCapacityReading> readings,
        Func<DirectoryAppendInfo, byte[]> createReceipt,
        CancellationToken cancellationToken) =>
        AppendAsync(release, readings, createReceipt, isSnapshot: true, cancellationToken);

    public Task<DirectoryAppendResult> AppendCapacityUpdateAsync(
        NewDirectoryRelease release,
        IReadOnlyList<NewCapacityReading> readings,
        Func<DirectoryAppendInfo, byte[]> createReceipt,
        CancellationToken cancellationToken) =>
        AppendAsync(release, readings, createReceipt, isSnapshot: false, cancellationToken);

    private async Task<DirectoryAppendResult> AppendAsync(
        NewDirectoryRelease release,
        IReadOnlyList<NewCapacityReading> readings,
        Func<DirectoryAppendInfo, byte[]> createReceipt,
        bool isSnapshot,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(release);
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(createReceipt);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);

        await using (var existing = Command(connection, transaction, "SELECT receipt FROM directory_releases WHERE release_id = $id", ("$id", release.ReleaseId)))
        {
            if (await existing.ExecuteScalarAsync(cancellationToken) is byte[] receipt)
            {
                return new DirectoryAppendResult(DirectoryAppendOutcome.AlreadyStored, receipt, release.ReleaseId, []);
            }
        }

        string? currentId = null;
        var currentRevision = 0;
        DateTimeOffset? currentProducedAt = null;
        await using (var currentQuery = Command(
            connection,
            transaction,
            "SELECT release_id, snapshot_revision, produced_at FROM directory_releases WHERE jurisdiction = $j AND kind = 'snapshot' AND superseded_by IS NULL",
            ("$j", release.Jurisdiction)))
        {
            await using var reader = await currentQuery.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                currentId = reader.GetString(0);
                currentRevision = reader.GetInt32(1);
                currentProducedAt = SqliteDatabase.ParseTime(reader.GetString(2));
            }
        }

        if (isSnapshot && currentProducedAt is { } producedAt && release.ProducedAt <= producedAt)
        {
            return new DirectoryAppendResult(DirectoryAppendOutcome.OlderThanCurrent, null, currentId, []);
        }

        if (!isSnapshot && currentId is null)
        {
            return new DirectoryAppendResult(DirectoryAppendOutcome.NoSnapshot, null, null, []);
        }

        var revision = isSnapshot ? currentRevision + 1 : currentRevision;
        var current = await LoadCurrentAsync(connection, transaction, release.Jurisdiction, cancellationToken);
        var changes = new List<CapacityChange>();
        var outdated = 0;
        foreach (var reading in readings)
        {
            var key = (reading.ServiceId, reading.Capacity.Id);
            var updated = reading.Capacity.Updated.ToDateTimeOffset();
            if (current.TryGetValue(key, out var held) && held.Updated >= updated)
            {
                outdated++;
                continue;
            }

            int? previous = held is null ? null : held.Available;
            var replaced = changes.FindIndex(c => c.ServiceId == reading.ServiceId && c.Capacity.Id == reading.Capacity.Id);
            if (replaced >= 0)
            {
                // Several counts of one capacity in one release: the newest is current, the change is from what was held before.
                previous = changes[replaced].PreviousAvailable;
                changes.RemoveAt(replaced);
            }

            current[key] = new Held(reading.Capacity.Available, updated);
            changes.Add(new CapacityChange(release.Jurisdiction, reading.ServiceId, reading.Capacity, previous));
        }

        var receiptBytes = createReceipt(new DirectoryAppendInfo(revision, isSnapshot ? currentId : null, changes.Count, outdated));
        await using (var insert = Command(
            connection,
            transaction,
            """
            INSERT INTO directory_releases (release_id, jurisdiction, kind, snapshot_revision, produced_at, received_at, signer_subject,
                                            signer_thumbprint, release_bytes, signature, receipt)
            VALUES ($id, $j, $kind, $revision, $produced, $received, $subject, $thumbprint, $bytes, $signature, $receipt)
            """,
            ("$id", release.ReleaseId),
            ("$j", release.Jurisdiction),
            ("$kind", isSnapshot ? SnapshotKind : CapacityKind),
            ("$revision", revision),
            ("$produced", SqliteDatabase.FormatTime(release.ProducedAt)),
            ("$received", SqliteDatabase.FormatTime(release.ReceivedAt)),
            ("$subject", release.SignerSubject),
            ("$thumbprint", release.SignerThumbprint),
            ("$bytes", release.ReleaseBytes),
            ("$signature", release.Signature),
            ("$receipt", receiptBytes)))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        if (isSnapshot && currentId is not null)
        {
            // superseded_by references the new row, so it is written after it; appends are serialized (immediate
            // transactions), so there is never more than one current snapshot once the transaction commits.
            await using var supersede = Command(connection, transaction, "UPDATE directory_releases SET superseded_by = $new WHERE release_id = $old", ("$new", release.ReleaseId), ("$old", currentId));
            await supersede.ExecuteNonQueryAsync(cancellationToken);
        }

        await InsertReadingsAsync(connection, transaction, release, readings, cancellationToken);
        if (isSnapshot)
        {
            // Capacities of services (or capacities) the new snapshot no longer has stop being current.
            var kept = readings.Select(r => (r.ServiceId, r.Capacity.Id)).ToHashSet();
            foreach (var key in current.Keys.Where(k => !kept.Contains(k)).ToArray())
            {
                await using var delete = Command(
                    connection,
                    transaction,
                    "DELETE FROM capacity_current WHERE jurisdiction = $j AND service_id = $s AND capacity_id = $c",
                    ("$j", release.Jurisdiction),
                    ("$s", key.ServiceId),
                    ("$c", key.Id));
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        var sectors = readings.GroupBy(r => r.ServiceId).ToDictionary(g => g.Key, g => g.First().Sector);
        foreach (var change in changes)
        {
            await using var upsert = Command(
                connection,
                transaction,
                """
                INSERT INTO capacity_current (jurisdiction, service_id, capacity_id, unit, sector, available, maximum, updated_at, description)
                VALUES ($j, $s, $c, $unit, $sector, $available, $maximum, $updated, $description)
                ON CONFLICT (jurisdiction, service_id, capacity_id) DO UPDATE SET
                    unit = excluded.unit, sector = excluded.sector, available = excluded.available, maximum = excluded.maximum,
                    updated_at = excluded.updated_at, description = excluded.description
                """,
                ("$j", change.Jurisdiction),
                ("$s", change.ServiceId),
                ("$c", change.Capacity.Id),
                ("$unit", (int)change.Capacity.Unit),
                ("$sector", (int)sectors[change.ServiceId]),
                ("$available", change.Capacity.Available),
                ("$maximum", change.Capacity.Maximum),
                ("$updated", SqliteDatabase.FormatTime(change.Capacity.Updated.ToDateTimeOffset())),
                ("$description", change.Capacity.Description));
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new DirectoryAppendResult(DirectoryAppendOutcome.Stored, receiptBytes, release.ReleaseId, changes);
    }

    public async Task<IReadOnlyList<StoredSnapshot>> GetCurrentSnapshotsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            """
            SELECT jurisdiction, release_id, snapshot_revision, produced_at, received_at, release_bytes FROM directory_releases
            WHERE kind = 'snapshot' AND superseded_by IS NULL ORDER BY jurisdiction
            """);
        var snapshots = new List<StoredSnapshot>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            snapshots.Add(new StoredSnapshot(
                reader.GetString(0), reader.GetString(1), reader.GetInt32(2), SqliteDatabase.ParseTime(reader.GetString(3)), SqliteDatabase.ParseTime(reader.GetString(4)), (byte[])reader[5]));
        }

        return snapshots;
    }

    public async Task<IReadOnlyList<CurrentCapacity>> GetCurrentCapacitiesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            "SELECT jurisdiction, service_id, capacity_id, unit, sector, available, maximum, updated_at, description FROM capacity_current ORDER BY jurisdiction, service_id, capacity_id");
        var capacities = new List<CurrentCapacity>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            capacities.Add(new CurrentCapacity(
                reader.GetString(0),
                reader.GetString(1),
                new ServiceCapacity
                {
                    Id = reader.GetString(2),
                    Unit = (CapacityUnit)reader.GetInt32(3),
                    Available = reader.GetInt32(5),
                    Maximum = reader.GetInt32(6),
                    Updated = Timestamp.FromDateTimeOffset(SqliteDatabase.ParseTime(reader.GetString(7))),
                    Description = reader.GetString(8),
                },
                (ServiceType)reader.GetInt32(4)));
        }

        return capacities;
    }

    public async Task<IReadOnlyList<HistoricalReading>> GetResidentialBedHistoryAsync(DateTimeOffset periodStart, DateTimeOffset periodEnd, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        // The counts inside the period, and for each capacity the last count before it (it holds at the period's start).
        await using var command = Command(
            connection,
            null,
            """
            SELECT jurisdiction, service_id, capacity_id, available, maximum, updated_at FROM capacity_readings
            WHERE residential = 1 AND unit = $bed AND updated_at >= $from AND updated_at < $to
            UNION
            SELECT r.jurisdiction, r.service_id, r.capacity_id, r.available, r.maximum, r.updated_at FROM capacity_readings r
            JOIN (SELECT jurisdiction, service_id, capacity_id, max(updated_at) AS last FROM capacity_readings
                  WHERE residential = 1 AND unit = $bed AND updated_at < $from GROUP BY jurisdiction, service_id, capacity_id) p
              ON p.jurisdiction = r.jurisdiction AND p.service_id = r.service_id AND p.capacity_id = r.capacity_id AND p.last = r.updated_at
            WHERE r.residential = 1 AND r.unit = $bed
            ORDER BY 6
            """,
            ("$bed", (int)CapacityUnit.Bed),
            ("$from", SqliteDatabase.FormatTime(periodStart)),
            ("$to", SqliteDatabase.FormatTime(periodEnd)));
        var readings = new List<HistoricalReading>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            readings.Add(new HistoricalReading(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4), SqliteDatabase.ParseTime(reader.GetString(5))));
        }

        return readings;
    }

    public async Task<IReadOnlyList<DirectoryHistoryEntry>> GetHistoryAsync(string jurisdiction, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            null,
            """
            SELECT release_id, kind, snapshot_revision, produced_at, received_at, superseded_by FROM directory_releases
            WHERE jurisdiction = $j ORDER BY received_at, rowid
            """,
            ("$j", jurisdiction));
        var entries = new List<DirectoryHistoryEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new DirectoryHistoryEntry(
                reader.GetString(0), reader.GetString(1), reader.GetInt32(2), SqliteDatabase.ParseTime(reader.GetString(3)), SqliteDatabase.ParseTime(reader.GetString(4)),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return entries;
    }

    private static async Task<Dictionary<(string ServiceId, string Id), Held>> LoadCurrentAsync(
        SqliteConnection connection, SqliteTransaction transaction, string jurisdiction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT service_id, capacity_id, available, updated_at FROM capacity_current WHERE jurisdiction = $j", ("$j", jurisdiction));
        var current = new Dictionary<(string, string), Held>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            current[(reader.GetString(0), reader.GetString(1))] = new Held(reader.GetInt32(2), SqliteDatabase.ParseTime(reader.GetString(3)));
        }

        return current;
    }

    private static async Task InsertReadingsAsync(
        SqliteConnection connection, SqliteTransaction transaction, NewDirectoryRelease release, IReadOnlyList<NewCapacityReading> readings, CancellationToken cancellationToken)
    {
        await using var insert = Command(
            connection,
            transaction,
            """
            INSERT INTO capacity_readings (release_id, jurisdiction, service_id, capacity_id, unit, sector, residential, available, maximum, updated_at)
            VALUES ($release, $j, $s, $c, $unit, $sector, $residential, $available, $maximum, $updated)
            """,
            ("$release", release.ReleaseId),
            ("$j", release.Jurisdiction));
        var service = insert.Parameters.Add("$s", SqliteType.Text);
        var capacity = insert.Parameters.Add("$c", SqliteType.Text);
        var unit = insert.Parameters.Add("$unit", SqliteType.Integer);
        var sector = insert.Parameters.Add("$sector", SqliteType.Integer);
        var residential = insert.Parameters.Add("$residential", SqliteType.Integer);
        var available = insert.Parameters.Add("$available", SqliteType.Integer);
        var maximum = insert.Parameters.Add("$maximum", SqliteType.Integer);
        var updated = insert.Parameters.Add("$updated", SqliteType.Text);
        await insert.PrepareAsync(cancellationToken);
        foreach (var reading in readings)
        {
            service.Value = reading.ServiceId;
            capacity.Value = reading.Capacity.Id;
            unit.Value = (int)reading.Capacity.Unit;
            sector.Value = (int)reading.Sector;
            residential.Value = reading.Residential ? 1 : 0;
            available.Value = reading.Capacity.Available;
            maximum.Value = reading.Capacity.Maximum;
            updated.Value = SqliteDatabase.FormatTime(reading.Capacity.Updated.ToDateTimeOffset());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private sealed record Held(int Available, DateTimeOffset Updated);
}
