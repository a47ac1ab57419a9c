using Complaints.Contracts.Audit;
using Complaints.ServiceDefaults;
using Marten;
using Npgsql;
using NpgsqlTypes;
using JasperFx.Events;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Complaints.Intake.Audit;

/// <summary>A seal as stored: the event's leaf and its places in the complaint's and the global chain.</summary>
public sealed record SealRow(long Seq, Guid StreamId, long Version, byte[] Leaf, byte[] StreamSeal, byte[] GlobalSeal);

/// <summary>
/// The seals and checkpoints tables, beside Marten's own (part of the schema the migration job
/// applies), and the raw reads of events exactly as stored, which is what seals cover.
/// </summary>
public sealed class AuditStore(NpgsqlDataSource database)
{
    private const string Schema = ComplaintsSettings.EventStoreSchema;

    public static void Configure(StoreOptions options)
    {
        var seals = new Table(new PostgresqlObjectName(Schema, "audit_seals", SchemaUtils.IdentifierUsage.General));
        seals.AddColumn<long>("seq").AsPrimaryKey();
        seals.AddColumn<Guid>("stream_id").NotNull();
        seals.AddColumn<long>("version").NotNull();
        seals.AddColumn("leaf", "bytea").NotNull();
        seals.AddColumn("stream_seal", "bytea").NotNull();
        seals.AddColumn("global_seal", "bytea").NotNull();
        seals.AddColumn("sealed_at", "timestamptz").NotNull().DefaultValueByExpression("now()");
        seals.Indexes.Add(new IndexDefinition("ix_audit_seals_stream") { Columns = ["stream_id", "version"] });
        options.Storage.ExtendedSchemaObjects.Add(seals);

        // Where the sealer is: every complaint event up to here is sealed. One row, locked while sealing.
        var position = new Table(new PostgresqlObjectName(Schema, "audit_sealer_position", SchemaUtils.IdentifierUsage.General));
        position.AddColumn<int>("id").AsPrimaryKey();
        position.AddColumn<long>("last_seq").NotNull();
        options.Storage.ExtendedSchemaObjects.Add(position);

        var checkpoints = new Table(new PostgresqlObjectName(Schema, "audit_checkpoints", SchemaUtils.IdentifierUsage.General));
        checkpoints.AddColumn<long>("seq").AsPrimaryKey();
        checkpoints.AddColumn("global_seal", "bytea").NotNull();
        checkpoints.AddColumn<string>("signed_at").NotNull();
        checkpoints.AddColumn<string>("key_id").NotNull();
        checkpoints.AddColumn<string>("algorithm").NotNull();
        checkpoints.AddColumn("public_key", "bytea").NotNull();
        checkpoints.AddColumn("signature", "bytea").NotNull();
        options.Storage.ExtendedSchemaObjects.Add(checkpoints);
    }

    /// <summary>The stored type names of the complaint stream's events (Marten's default naming): only they are sealed.</summary>
    public static readonly string[] ComplaintEventTypes = [.. ComplaintStreamEvents.All.Select(t => t.GetEventTypeName())];

    private const string EventColumns =
        "seq_id, id, stream_id, version, type, timestamp, data::text, headers::text, correlation_id, causation_id";

    private const string SealColumns = "seq, stream_id, version, leaf, stream_seal, global_seal";

    private static RecordedEvent ReadEvent(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetGuid(1), r.GetGuid(2), r.GetInt64(3), r.GetString(4),
        AuditChain.Timestamp(r.GetFieldValue<DateTimeOffset>(5)), r.GetString(6),
        r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9));

    /// <summary>
    /// Seals the next committed complaint events, in sequence order, in one transaction: each gets a
    /// leaf and its complaint's and the global chain's next seal, and the position moves past them.
    /// Only events below Marten's high-water mark are taken, so one still being committed under a
    /// lower sequence number is never skipped. The position row is locked, so two sealers (a second
    /// relay by mistake) take turns. Returns how many events were sealed.
    /// </summary>
    public async Task<int> SealNextAsync(int batchSize, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        async Task<object?> Scalar(string sql, params (string Name, object Value)[] parameters)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
            return await command.ExecuteScalarAsync(cancellationToken);
        }

        await Scalar($"insert into {Schema}.audit_sealer_position (id, last_seq) values (1, 0) on conflict (id) do nothing");
        var position = Convert.ToInt64(await Scalar($"select last_seq from {Schema}.audit_sealer_position where id = 1 for update"));
        var highWaterMark = await Scalar($"select last_seq_id from {Schema}.mt_event_progression where name = 'HighWaterMark'") is long mark ? mark : 0;
        if (highWaterMark <= position) return 0;

        var events = new List<RecordedEvent>(batchSize);
        await using (var read = new NpgsqlCommand(
            $"select {EventColumns} from {Schema}.mt_events where seq_id > @position and seq_id <= @mark and type = any(@types) order by seq_id limit @batch",
            connection, transaction))
        {
            read.Parameters.AddWithValue("position", position);
            read.Parameters.AddWithValue("mark", highWaterMark);
            read.Parameters.AddWithValue("types", ComplaintEventTypes);
            read.Parameters.AddWithValue("batch", batchSize);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) events.Add(ReadEvent(reader));
        }
        // A full batch stops at its last event; a short one has seen everything up to the mark.
        var newPosition = events.Count == batchSize ? events[^1].Seq : highWaterMark;

        if (events.Count > 0)
        {
            var global = await Scalar($"select global_seal from {Schema}.audit_seals where seq <= @position order by seq desc limit 1", ("position", position))
                as byte[] ?? AuditChain.Genesis;
            var streams = new Dictionary<Guid, byte[]>();
            await using (var heads = new NpgsqlCommand(
                $"select distinct on (stream_id) stream_id, stream_seal from {Schema}.audit_seals where stream_id = any(@streams) order by stream_id, version desc",
                connection, transaction))
            {
                heads.Parameters.AddWithValue("streams", events.Select(e => e.StreamId).Distinct().ToArray());
                await using var reader = await heads.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) streams[reader.GetGuid(0)] = reader.GetFieldValue<byte[]>(1);
            }

            var rows = new List<SealRow>(events.Count);
            foreach (var e in events)
            {
                var leaf = AuditChain.Leaf(e);
                var streamSeal = AuditChain.Link(streams.GetValueOrDefault(e.StreamId) ?? AuditChain.Genesis, leaf);
                global = AuditChain.Link(global, leaf);
                streams[e.StreamId] = streamSeal;
                rows.Add(new SealRow(e.Seq, e.StreamId, e.Version, leaf, streamSeal, global));
            }
            await using var insert = new NpgsqlCommand(
                $"insert into {Schema}.audit_seals (seq, stream_id, version, leaf, stream_seal, global_seal) " +
                // Seals are deterministic: ones already there (a store sealed before this position was kept) are the same.
                "select * from unnest(@seq, @stream, @version, @leaf, @stream_seal, @global_seal) on conflict (seq) do nothing", connection, transaction);
            insert.Parameters.AddWithValue("seq", rows.Select(r => r.Seq).ToArray());
            insert.Parameters.AddWithValue("stream", rows.Select(r => r.StreamId).ToArray());
            insert.Parameters.AddWithValue("version", rows.Select(r => r.Version).ToArray());
            insert.Parameters.Add(new NpgsqlParameter("leaf", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = rows.Select(r => r.Leaf).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter("stream_seal", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = rows.Select(r => r.StreamSeal).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter("global_seal", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = rows.Select(r => r.GlobalSeal).ToArray() });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await Scalar($"update {Schema}.audit_sealer_position set last_seq = @position where id = 1", ("position", newPosition));
        await transaction.CommitAsync(cancellationToken);
        return events.Count;
    }

    /// <summary>How far the sealer has read the store: every committed complaint event up to here is sealed.</summary>
    public async Task<long> SealerPositionAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"select coalesce(max(last_seq), 0) from {Schema}.audit_sealer_position");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    public async Task<SealRow?> HeadAsync(CancellationToken cancellationToken)
    {
        var rows = await SealsAsync($"select {SealColumns} from {Schema}.audit_seals order by seq desc limit 1", _ => { }, cancellationToken);
        return rows.FirstOrDefault();
    }

    public Task<List<SealRow>> SealsOfStreamAsync(Guid streamId, CancellationToken cancellationToken) =>
        SealsAsync($"select {SealColumns} from {Schema}.audit_seals where stream_id = @stream order by seq",
            p => p.AddWithValue("stream", streamId), cancellationToken);

    public Task<List<SealRow>> SealsBetweenAsync(long first, long last, CancellationToken cancellationToken) =>
        SealsAsync($"select {SealColumns} from {Schema}.audit_seals where seq between @first and @last order by seq",
            p => { p.AddWithValue("first", first); p.AddWithValue("last", last); }, cancellationToken);

    /// <summary>The first seal of any of these complaints (their events may have been deleted since).</summary>
    public async Task<long?> FirstSealOfAsync(Guid[] streamIds, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"select min(seq) from {Schema}.audit_seals where stream_id = any(@streams)");
        command.Parameters.AddWithValue("streams", streamIds);
        return await command.ExecuteScalarAsync(cancellationToken) is long seq ? seq : null;
    }

    /// <summary>The global seal just before <paramref name="seq"/>: where a walk from there starts.</summary>
    public async Task<(long Seq, byte[] Seal)> AnchorBeforeAsync(long seq, CancellationToken cancellationToken)
    {
        var rows = await SealsAsync($"select {SealColumns} from {Schema}.audit_seals where seq < @seq order by seq desc limit 1",
            p => p.AddWithValue("seq", seq), cancellationToken);
        return rows.Count == 0 ? (0, AuditChain.Genesis) : (rows[0].Seq, rows[0].GlobalSeal);
    }

    private async Task<List<SealRow>> SealsAsync(string sql, Action<NpgsqlParameterCollection> parameters, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(sql);
        parameters(command.Parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<SealRow>();
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new SealRow(reader.GetInt64(0), reader.GetGuid(1), reader.GetInt64(2),
                reader.GetFieldValue<byte[]>(3), reader.GetFieldValue<byte[]>(4), reader.GetFieldValue<byte[]>(5)));
        return rows;
    }

    public async Task<List<RecordedEvent>> EventsOfStreamsAsync(Guid[] streamIds, CancellationToken cancellationToken) =>
        await EventsAsync($"select {EventColumns} from {Schema}.mt_events where stream_id = any(@streams) and type = any(@types) order by seq_id",
            p => { p.AddWithValue("streams", streamIds); p.AddWithValue("types", ComplaintEventTypes); }, cancellationToken);

    public async Task<List<RecordedEvent>> EventsBetweenAsync(long first, long last, CancellationToken cancellationToken) =>
        await EventsAsync($"select {EventColumns} from {Schema}.mt_events where seq_id between @first and @last and type = any(@types) order by seq_id",
            p => { p.AddWithValue("first", first); p.AddWithValue("last", last); p.AddWithValue("types", ComplaintEventTypes); }, cancellationToken);

    private async Task<List<RecordedEvent>> EventsAsync(string sql, Action<NpgsqlParameterCollection> parameters, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(sql);
        parameters(command.Parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<RecordedEvent>();
        while (await reader.ReadAsync(cancellationToken)) events.Add(ReadEvent(reader));
        return events;
    }

    public async Task<List<Checkpoint>> CheckpointsBetweenAsync(long first, long last, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"select seq, global_seal, signed_at, key_id, algorithm, public_key, signature from {Schema}.audit_checkpoints where seq between @first and @last order by seq");
        command.Parameters.AddWithValue("first", first);
        command.Parameters.AddWithValue("last", last);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var checkpoints = new List<Checkpoint>();
        while (await reader.ReadAsync(cancellationToken))
            checkpoints.Add(new Checkpoint(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetFieldValue<byte[]>(5), reader.GetFieldValue<byte[]>(6)));
        return checkpoints;
    }

    /// <summary>The first checkpoint at or after <paramref name="seq"/>, if one was signed.</summary>
    public async Task<Checkpoint?> CheckpointCoveringAsync(long seq, CancellationToken cancellationToken)
    {
        var found = await CheckpointsBetweenAsync(seq, long.MaxValue, cancellationToken);
        return found.FirstOrDefault();
    }

    public async Task SaveCheckpointAsync(Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"insert into {Schema}.audit_checkpoints (seq, global_seal, signed_at, key_id, algorithm, public_key, signature) " +
            "values (@seq, @seal, @at, @key, @algorithm, @public_key, @signature) on conflict (seq) do nothing");
        command.Parameters.AddWithValue("seq", checkpoint.Seq);
        command.Parameters.AddWithValue("seal", checkpoint.GlobalSeal);
        command.Parameters.AddWithValue("at", checkpoint.SignedAt);
        command.Parameters.AddWithValue("key", checkpoint.KeyId);
        command.Parameters.AddWithValue("algorithm", checkpoint.Algorithm);
        command.Parameters.AddWithValue("public_key", checkpoint.PublicKey);
        command.Parameters.AddWithValue("signature", checkpoint.Signature);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
