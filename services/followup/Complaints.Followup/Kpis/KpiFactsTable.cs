using Complaints.Followup.Facts;
using Complaints.ServiceDefaults;
using Marten;
using Npgsql;
using NpgsqlTypes;
using Weasel.Postgresql.Tables;
using Complaints.Domain.ServiceLevels;
using Microsoft.Extensions.Options;

namespace Complaints.Followup.Kpis;

/// <summary>
/// The KPI columns of every complaint's facts in a narrow, typed table (about a tenth of the facts
/// document's size), written in the same transaction as the facts: a month of a large call center
/// (83,500 complaints) comes out of PostgreSQL in 15 ms, where loading the facts documents took a
/// second (docs/benchmark.md). The facts documents stay the source: the table is filled from them
/// after start when rows are missing, and rebuilt with them.
/// </summary>
public static class KpiFactsTable
{
    public const string Name = "kpi_facts";
    private static readonly string Qualified = $"{ComplaintsSettings.EventStoreSchema}.{Name}";

    /// <summary>The table, created and migrated with the rest of the schema.</summary>
    public static Table Definition()
    {
        var table = new Table(Qualified);
        table.AddColumn<Guid>("id").AsPrimaryKey();
        table.AddColumn("filed_at", "timestamptz").NotNull();
        foreach (var text in new[] { "team", "category", "agent" }) table.AddColumn(text, "text").NotNull();
        table.AddColumn("nuisance", "boolean").NotNull();
        foreach (var at in new[] { "first_response_at", "first_resolved_at", "closed_at" }) table.AddColumn(at, "timestamptz");
        foreach (var number in new[] { "escalations", "sla_breaches", "reopens", "timeliness", "solution", "attitude", "nps" }) table.AddColumn(number, "integer").NotNull();
        table.AddColumn("breached_deadlines", "text[]").NotNull();
        table.AddColumn("repeat", "boolean").NotNull();
        table.AddColumn("second_complaint_of", "uuid");
        table.AddColumn("surveyed", "boolean").NotNull();
        // Added later: existing rows are false until their facts are written again (a rebuild fills them all).
        table.AddColumn("closed_without_feedback", "boolean").NotNull().DefaultValueByExpression("false");
        // The call center's business day of filing, which the daily roll-ups (KpiDailyRollup) count it in.
        // Null only on rows written before the column existed, until FillMissingKpiFacts dates them.
        table.AddColumn("local_day", "date");
        table.Indexes.Add(new IndexDefinition($"{Name}_filed_at") { Columns = ["filed_at"] });
        table.Indexes.Add(new IndexDefinition($"{Name}_local_day") { Columns = ["local_day"] });
        return table;
    }

    private const string Columns =
        "id, filed_at, team, category, agent, nuisance, first_response_at, first_resolved_at, closed_at, escalations, sla_breaches, reopens, " +
        "timeliness, solution, attitude, nps, breached_deadlines, repeat, second_complaint_of, surveyed, closed_without_feedback, local_day";

    private static readonly string Excluded = string.Join(", ", Columns.Split(", ").Select(c => "excluded." + c));

    /// <summary>The business day an instant falls on in the call center's time zone.</summary>
    public static DateOnly LocalDay(DateTimeOffset at, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

    /// <summary>Writes the facts' KPI row in the session's transaction, after the facts document.</summary>
    public static void Upsert(IDocumentSession session, ComplaintFacts f, TimeZoneInfo zone) =>
        session.QueueSqlCommand(
            $"insert into {Qualified} ({Columns}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) " +
            $"on conflict (id) do update set ({Columns}) = ({Excluded})",
            f.Id, f.FiledAt, f.Team, f.Category, f.Agent, f.Nuisance,
            Nullable(f.FirstResponseAt), Nullable(f.FirstResolvedAt), Nullable(f.ClosedAt),
            f.Escalations, f.SlaBreaches, f.Reopens, f.Timeliness, f.Solution, f.Attitude, f.Nps,
            f.BreachedDeadlines.ToArray(), f.Repeat, f.SecondComplaintOf is { } first ? first : DBNull.Value, f.Surveyed,
            f.ClosedWithoutFeedback, LocalDay(f.FiledAt, zone));

    /// <summary>Empties the rows and their daily roll-ups (a rebuild).</summary>
    public static void DeleteAll(IDocumentSession session) => session.QueueSqlCommand(KpiDailyRollup.TruncateWithFacts);

    private static object Nullable(DateTimeOffset? at) => at is { } value ? value : DBNull.Value;

    /// <summary>
    /// Fills the rows missing for facts documents (the table is new, or facts were written in bulk),
    /// in one statement inside PostgreSQL; returns how many were added.
    /// </summary>
    public static async Task<int> FillMissingAsync(NpgsqlDataSource database, string timeZone, CancellationToken cancellationToken)
    {
        var facts = $"{ComplaintsSettings.EventStoreSchema}.mt_doc_complaintfacts";
        await using var command = database.CreateCommand($"""
            insert into {Qualified} ({Columns})
            select d.id, (d.data->>'FiledAt')::timestamptz, d.data->>'Team', d.data->>'Category', d.data->>'Agent', (d.data->>'Nuisance')::boolean,
                   (d.data->>'FirstResponseAt')::timestamptz, (d.data->>'FirstResolvedAt')::timestamptz, (d.data->>'ClosedAt')::timestamptz,
                   (d.data->>'Escalations')::int, (d.data->>'SlaBreaches')::int, (d.data->>'Reopens')::int,
                   (d.data->>'Timeliness')::int, (d.data->>'Solution')::int, (d.data->>'Attitude')::int, (d.data->>'Nps')::int,
                   array(select jsonb_array_elements_text(d.data->'BreachedDeadlines')), (d.data->>'Repeat')::boolean,
                   (d.data->>'SecondComplaintOf')::uuid, (d.data->>'Surveyed')::boolean,
                   coalesce((d.data->>'ClosedWithoutFeedback')::boolean, false), ((d.data->>'FiledAt')::timestamptz at time zone $1)::date
            from {facts} d
            where not exists (select 1 from {Qualified} k where k.id = d.id)
            on conflict (id) do nothing
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = timeZone, NpgsqlDbType = NpgsqlDbType.Text });
        command.CommandTimeout = 0;
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The KPI rows of the complaints filed in [from, to), as facts for <see cref="KpiCalculator"/>.</summary>
    public static async Task<List<ComplaintFacts>> ReadAsync(NpgsqlDataSource database, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        // Deadlines are read only where one was breached: most rows have none, and an array per row costs.
        await using var command = database.CreateCommand(
            $"select {Columns.Replace("breached_deadlines", "case when sla_breaches > 0 then breached_deadlines end").Replace(", local_day", "")} from {Qualified} where filed_at >= $1 and filed_at < $2");
        command.Parameters.Add(new NpgsqlParameter { Value = from, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = to, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var rows = new List<ComplaintFacts>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            DateTimeOffset? At(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
            rows.Add(new ComplaintFacts
            {
                Id = reader.GetGuid(0), FiledAt = reader.GetFieldValue<DateTimeOffset>(1), Team = reader.GetString(2), Category = reader.GetString(3),
                Agent = reader.GetString(4), Nuisance = reader.GetBoolean(5), FirstResponseAt = At(6), FirstResolvedAt = At(7), ClosedAt = At(8),
                Escalations = reader.GetInt32(9), SlaBreaches = reader.GetInt32(10), Reopens = reader.GetInt32(11), Timeliness = reader.GetInt32(12),
                Solution = reader.GetInt32(13), Attitude = reader.GetInt32(14), Nps = reader.GetInt32(15),
                BreachedDeadlines = reader.IsDBNull(16) ? [] : [.. reader.GetFieldValue<string[]>(16)], Repeat = reader.GetBoolean(17),
                SecondComplaintOf = reader.IsDBNull(18) ? null : reader.GetGuid(18), Surveyed = reader.GetBoolean(19),
                ClosedWithoutFeedback = reader.GetBoolean(20),
            });
        }
        return rows;
    }
}

/// <summary>
/// After start, fills the KPI rows of facts written without them (the table is new, or facts were
/// loaded in bulk). In the background, so a first fill of a large store (a minute at a million
/// complaints) never holds up start-up or its health probes; replicas doing it at once skip each
/// other's rows.
/// </summary>
public sealed class FillMissingKpiFacts(NpgsqlDataSource database, IOptions<SlaOptions> sla, ILogger<FillMissingKpiFacts> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Tried again until PostgreSQL takes it: a fill that failed during an outage is not left for the next start.
        StartupRetry.UntilDoneAsync(async ct =>
        {
            var dated = await KpiDailyRollup.FillDaysAsync(database, sla.Value.TimeZone, ct);
            if (dated > 0) logger.LogInformation("Dated and rolled up {Count} KPI rows written before the daily roll-ups", dated);
            var added = await KpiFactsTable.FillMissingAsync(database, sla.Value.TimeZone, ct);
            if (added > 0) logger.LogInformation("Filled the KPI rows of {Count} complaints' facts", added);
        }, "filling the missing KPI rows", logger, stoppingToken);
}
