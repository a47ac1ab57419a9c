using Complaints.ServiceDefaults;
using Marten;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Complaints.Intake.Webhooks;

/// <summary>One notice waiting for, or past, delivery: the stream event it is about, and where it goes.</summary>
public sealed record PendingNotice(long EventSeq, Guid EventId, Guid ComplaintId, long Version, string EventType, string ClientId, int Attempts, DateTimeOffset CreatedAt);

/// <summary>
/// The webhook outbox, in PostgreSQL beside the events. It is filled from committed events only
/// (no dual write): the leader reads the store's own rows up to Marten's high-water mark, as the
/// sealer does, and records its position in the same transaction as the notices. Each attempt is
/// recorded; a complaint's notices go out one at a time, in stream order.
/// </summary>
public sealed class WebhookStore(NpgsqlDataSource database)
{
    private const string Schema = ComplaintsSettings.EventStoreSchema;
    private const int FillBatch = 10_000;

    public static void Configure(StoreOptions options)
    {
        var notices = new Table(new PostgresqlObjectName(Schema, "webhook_notices", SchemaUtils.IdentifierUsage.General));
        notices.AddColumn<long>("event_seq").AsPrimaryKey();
        notices.AddColumn<Guid>("event_id").NotNull();
        notices.AddColumn<Guid>("complaint_id").NotNull();
        notices.AddColumn<long>("version").NotNull();
        notices.AddColumn<string>("event_type").NotNull();
        notices.AddColumn<string>("client_id").NotNull();
        // pending, delivered, or failed (gave up after the retry window; an operator sends it again).
        notices.AddColumn<string>("status").NotNull();
        notices.AddColumn<int>("attempts").NotNull();
        notices.AddColumn("next_attempt_at", "timestamptz").NotNull();
        notices.AddColumn("created_at", "timestamptz").NotNull();
        notices.AddColumn("delivered_at", "timestamptz");
        notices.AddColumn<string>("last_error");
        notices.Indexes.Add(new IndexDefinition("ix_webhook_notices_complaint") { Columns = ["complaint_id", "event_seq"] });
        notices.Indexes.Add(new IndexDefinition("ix_webhook_notices_due") { Columns = ["status", "next_attempt_at"] });
        options.Storage.ExtendedSchemaObjects.Add(notices);

        var attempts = new Table(new PostgresqlObjectName(Schema, "webhook_attempts", SchemaUtils.IdentifierUsage.General));
        attempts.AddColumn<long>("event_seq").AsPrimaryKey();
        attempts.AddColumn<int>("attempt").AsPrimaryKey();
        attempts.AddColumn("attempted_at", "timestamptz").NotNull();
        attempts.AddColumn<bool>("delivered").NotNull();
        attempts.AddColumn<int>("status_code");
        attempts.AddColumn<string>("error");
        attempts.AddColumn<int>("duration_ms").NotNull();
        options.Storage.ExtendedSchemaObjects.Add(attempts);

        var position = new Table(new PostgresqlObjectName(Schema, "webhook_position", SchemaUtils.IdentifierUsage.General));
        position.AddColumn<int>("id").AsPrimaryKey();
        position.AddColumn<long>("last_seq").NotNull();
        options.Storage.ExtendedSchemaObjects.Add(position);
    }

    /// <summary>
    /// Where the outbox starts when webhooks are first switched on: at the events committed by then,
    /// so a channel system is not sent years of its complaints' history. Does nothing once started.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"insert into {Schema}.webhook_position (id, last_seq) " +
            $"values (1, coalesce((select last_seq_id from {Schema}.mt_event_progression where name = 'HighWaterMark'), 0)) on conflict (id) do nothing");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Records notices for the events committed since the last call (up to the high-water mark, so a
    /// transaction still in flight is never skipped), for complaints filed by a subscribed channel.
    /// Returns how many notices were added.
    /// </summary>
    public async Task<int> FillAsync(IReadOnlyCollection<string> clients, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        async Task<object?> Scalar(string sql, params (string Name, object Value)[] parameters)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
            return await command.ExecuteScalarAsync(cancellationToken);
        }

        // As StartAsync: a first fill starts at the events committed by now, never at the beginning of history.
        await Scalar($"insert into {Schema}.webhook_position (id, last_seq) " +
                     $"values (1, coalesce((select last_seq_id from {Schema}.mt_event_progression where name = 'HighWaterMark'), 0)) on conflict (id) do nothing");
        var from = Convert.ToInt64(await Scalar($"select last_seq from {Schema}.webhook_position where id = 1 for update"));
        var mark = await Scalar($"select last_seq_id from {Schema}.mt_event_progression where name = 'HighWaterMark'") is long m ? m : 0;
        var to = Math.Min(mark, from + FillBatch);
        if (to <= from) return 0;
        var added = 0;
        if (clients.Count > 0)
        {
            await using var insert = new NpgsqlCommand(
                $"insert into {Schema}.webhook_notices (event_seq, event_id, complaint_id, version, event_type, client_id, status, attempts, next_attempt_at, created_at) " +
                $"select e.seq_id, e.id, e.stream_id, e.version, e.type, f.data->>'FiledBy', 'pending', 0, @now, @now " +
                $"from {Schema}.mt_events e join {Schema}.mt_events f on f.stream_id = e.stream_id and f.version = 1 and f.type = 'complaint_filed' " +
                "where e.seq_id > @from and e.seq_id <= @to and e.type = any(@types) and f.data->>'FiledBy' = any(@clients) " +
                "on conflict (event_seq) do nothing", connection, transaction);
            insert.Parameters.AddWithValue("now", now);
            insert.Parameters.AddWithValue("from", from);
            insert.Parameters.AddWithValue("to", to);
            insert.Parameters.AddWithValue("types", NoticeKinds.EventTypes);
            insert.Parameters.AddWithValue("clients", clients.ToArray());
            added = await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await Scalar($"update {Schema}.webhook_position set last_seq = @to where id = 1", ("to", to));
        await transaction.CommitAsync(cancellationToken);
        return added;
    }

    /// <summary>
    /// Notices due now, each the oldest undelivered of its complaint, so a complaint's notices keep
    /// their order: one given up waits for an operator, and the later ones wait behind it.
    /// </summary>
    public async Task<List<PendingNotice>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"select n.event_seq, n.event_id, n.complaint_id, n.version, n.event_type, n.client_id, n.attempts, n.created_at from {Schema}.webhook_notices n " +
            "where n.status = 'pending' and n.next_attempt_at <= @now " +
            $"and not exists (select 1 from {Schema}.webhook_notices p where p.complaint_id = n.complaint_id and p.status in ('pending', 'failed') and p.event_seq < n.event_seq) " +
            "order by n.next_attempt_at, n.event_seq limit @limit");
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("limit", limit);
        var due = new List<PendingNotice>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            due.Add(new PendingNotice(reader.GetInt64(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5),
                reader.GetInt32(6), reader.GetFieldValue<DateTimeOffset>(7)));
        return due;
    }

    /// <summary>The stored event a notice is about, and its complaint's filing (as stored JSON).</summary>
    public async Task<(string Data, DateTimeOffset At, string Filed)> EventAsync(long seq, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"select e.data::text, e.timestamp, f.data::text from {Schema}.mt_events e " +
            $"join {Schema}.mt_events f on f.stream_id = e.stream_id and f.version = 1 where e.seq_id = @seq");
        command.Parameters.AddWithValue("seq", seq);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) throw new InvalidOperationException($"event {seq} is not in the store");
        return (reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2));
    }

    /// <summary>Queues, in the session's transaction, an attempt's record and the notice's new state.</summary>
    public static void RecordAttempt(IDocumentSession session, PendingNotice notice, DateTimeOffset at, NoticeOutcome outcome, int? statusCode, string? error,
        TimeSpan took, DateTimeOffset? nextAttemptAt)
    {
        var attempt = notice.Attempts + 1;
        session.QueueSqlCommand(
            $"insert into {Schema}.webhook_attempts (event_seq, attempt, attempted_at, delivered, status_code, error, duration_ms) values (?, ?, ?, ?, ?, ?, ?) " +
            "on conflict do nothing",
            notice.EventSeq, attempt, at, outcome == NoticeOutcome.Delivered, statusCode is { } code ? code : DBNull.Value,
            error is null ? DBNull.Value : error, (int)took.TotalMilliseconds);
        session.QueueSqlCommand(
            $"update {Schema}.webhook_notices set attempts = ?, status = ?, next_attempt_at = ?, delivered_at = ?, last_error = ? where event_seq = ?",
            attempt, outcome switch { NoticeOutcome.Delivered => "delivered", NoticeOutcome.GaveUp => "failed", _ => "pending" },
            nextAttemptAt ?? at, outcome == NoticeOutcome.Delivered ? at : DBNull.Value, error is null ? DBNull.Value : error, notice.EventSeq);
    }

    /// <summary>Sends failed notices again from now (an operator's action once the endpoint works): returns how many.</summary>
    public async Task<int> RetryFailedAsync(string? clientId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"update {Schema}.webhook_notices set status = 'pending', next_attempt_at = @now, created_at = @now " +
            "where status = 'failed' and (@client::text is null or client_id = @client)");
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("client", (object?)clientId ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Notices by channel client and status, with the oldest undelivered one's age and the last error seen (ops: `complaints webhooks`).</summary>
    public async Task<List<(string Client, string Status, long Notices, DateTimeOffset? Oldest, string? LastError)>> StatusAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"select client_id, status, count(*), min(created_at) filter (where status <> 'delivered'), " +
            $"(array_agg(last_error order by event_seq desc) filter (where last_error is not null))[1] from {Schema}.webhook_notices group by client_id, status order by client_id, status");
        var rows = new List<(string, string, long, DateTimeOffset?, string?)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        return rows;
    }

    /// <summary>(pending, failed, age in seconds of the oldest pending notice) for the gauges.</summary>
    public async Task<(long Pending, long Failed, double OldestPendingSeconds)> BacklogAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"select count(*) filter (where status = 'pending'), count(*) filter (where status = 'failed'), " +
            $"min(created_at) filter (where status = 'pending') from {Schema}.webhook_notices where status <> 'delivered'");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var oldest = reader.IsDBNull(2) ? now : reader.GetFieldValue<DateTimeOffset>(2);
        return (reader.GetInt64(0), reader.GetInt64(1), Math.Max(0, (now - oldest).TotalSeconds));
    }
}

public enum NoticeOutcome
{
    Delivered,
    /// <summary>Failed this attempt; tried again after a backoff.</summary>
    Retrying,
    /// <summary>Failed for the whole retry window; waits for an operator.</summary>
    GaveUp,
}
