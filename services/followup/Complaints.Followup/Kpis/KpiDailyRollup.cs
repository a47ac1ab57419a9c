using Complaints.ServiceDefaults;
using Npgsql;
using NpgsqlTypes;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Functions;
using Weasel.Postgresql.Tables;
using Weasel.Postgresql.Triggers;

namespace Complaints.Followup.Kpis;

/// <summary>
/// Daily roll-ups of the KPI rows, so that KPIs over whole days cost the same at a million
/// complaints as at ten thousand: a month reads about 30 rows per team, category and agent instead
/// of every complaint filed in it (docs/benchmark.md). A trigger on <c>kpi_facts</c> marks the day
/// of every changed row stale, in the write's own transaction; a day is totalled again from its
/// rows before a report reads it (<see cref="RefreshAsync"/>), and every half minute in the
/// background (<see cref="RefreshKpiRollups"/>), so a report never reads a total its rows disagree
/// with. A rebuild truncates them all.
/// <para>
/// What a complaint contributes is defined once, in <c>kpi_complaint_contribution</c>: a day's totals sum it
/// over the day's rows, and a period's partial first and last days add it straight from the rows.
/// Every figure is a sum, so days merge exactly, except the first-response percentiles: those come from a
/// histogram whose buckets are 2% wide (an error of at most 1%), mergeable across days and groups.
/// </para>
/// </summary>
public static class KpiDailyRollup
{
    private static readonly string Schema = ComplaintsSettings.EventStoreSchema;
    private static readonly string Facts = $"{Schema}.{KpiFactsTable.Name}";
    private static readonly string Days = $"{Schema}.kpi_daily";
    private static readonly string FirstResponses = $"{Schema}.kpi_daily_first_response";
    private static readonly string Breaches = $"{Schema}.kpi_daily_regulatory_breach";
    private static readonly string Stale = $"{Schema}.kpi_daily_stale";

    /// <summary>Bucket i holds first responses of (γ^(i-1), γ^i] seconds; bucket 0 those under a second.</summary>
    public const double BucketGrowth = 1.02;

    /// <summary>The counters a complaint adds to its day, in the order <c>kpi_complaint_contribution</c> returns them.</summary>
    public static readonly string[] Counters =
    [
        "complaints", "nuisance_contacts", "first_responses", "resolved", "handling_hours", "sla_kept", "escalated",
        "repeats", "second_complaints", "closed", "reopened", "surveys", "satisfied", "promoters", "detractors",
        "closed_without_feedback",
    ];

    private const string DayKey = "local_day, team, category, agent";

    /// <summary>What one complaint adds to its day (its counters, in <see cref="Counters"/> order).</summary>
    private const string Contribution = "kpi_complaint_contribution";

    /// <summary>The contribution's counters, qualified: a fact column may share a counter's name (closed_without_feedback).</summary>
    private static readonly string ContributionColumns = string.Join(", ", Counters.Select(c => "c." + c));

    public static IEnumerable<ISchemaObject> Definitions()
    {
        var daily = new Table(Days);
        AddDayKey(daily);
        foreach (var counter in Counters)
            daily.AddColumn(counter, counter == "handling_hours" ? "double precision" : "bigint").NotNull().DefaultValueByExpression("0");
        daily.PrimaryKeyName = "pk_kpi_daily";
        yield return daily;

        var firstResponses = new Table(FirstResponses);
        AddDayKey(firstResponses);
        firstResponses.AddColumn("bucket", "integer").AsPrimaryKey();
        firstResponses.AddColumn("responses", "bigint").NotNull();
        yield return firstResponses;

        var breaches = new Table(Breaches);
        AddDayKey(breaches);
        breaches.AddColumn("clock", "text").AsPrimaryKey();
        breaches.AddColumn("breaches", "bigint").NotNull();
        yield return breaches;

        // Nuisance contacts are counted, and kept out of every other figure (KpiCalculator's rule).
        // PostgreSQL cannot change a function's result columns in place: a new counter means a new
        // name (the old function is dropped), never an edit of the old one's columns.
        yield return Function.ForRemoval(Name("kpi_contribution"));
        yield return new Function(Name(Contribution), $$"""
            create or replace function {{Schema}}.{{Contribution}}(r {{Facts}})
            returns table (complaints int, nuisance_contacts int, first_responses int, resolved int, handling_hours double precision,
                           sla_kept int, escalated int, repeats int, second_complaints int, closed int, reopened int, surveys int,
                           satisfied int, promoters int, detractors int, closed_without_feedback int)
            language sql immutable as $fn$
              select c, 1 - c,
                     c * (r.first_response_at is not null)::int,
                     c * (r.first_resolved_at is not null)::int,
                     c * coalesce(extract(epoch from r.first_resolved_at - r.filed_at)::double precision / 3600, 0),
                     c * (r.sla_breaches = 0)::int,
                     c * (r.escalations > 0)::int,
                     c * (r.repeat and r.second_complaint_of is null)::int,
                     c * (r.second_complaint_of is not null)::int,
                     c * (r.closed_at is not null)::int,
                     c * (r.first_resolved_at is not null and r.reopens > 0)::int,
                     c * r.surveyed::int,
                     c * (r.surveyed and r.timeliness + r.solution + r.attitude >= 12)::int,
                     c * (r.surveyed and r.nps >= 9)::int,
                     c * (r.surveyed and r.nps <= 6)::int,
                     c * r.closed_without_feedback::int
              from (select (not r.nuisance)::int as c) n
            $fn$;
            """);
        yield return new Function(Name("kpi_first_response_bucket"), $$"""
            create or replace function {{Schema}}.kpi_first_response_bucket(r {{Facts}})
            returns int language sql immutable as $fn$
              select case when r.nuisance or r.first_response_at is null then null
                          when extract(epoch from r.first_response_at - r.filed_at) < 1 then 0
                          else ceil(ln(extract(epoch from r.first_response_at - r.filed_at)::double precision) / ln({{BucketGrowth}}))::int end
            $fn$;
            """);
        yield return new Function(Name("kpi_regulatory_breaches"), $$"""
            create or replace function {{Schema}}.kpi_regulatory_breaches(r {{Facts}})
            returns setof text language sql immutable as $fn$
              select distinct substr(d, 12) from unnest(r.breached_deadlines) d where not r.nuisance and d like 'regulatory:%'
            $fn$;
            """);
        var stale = new Table(Stale);
        stale.AddColumn("local_day", "date").NotNull();
        stale.Indexes.Add(new IndexDefinition("kpi_daily_stale_local_day") { Columns = ["local_day"] });
        yield return stale;

        // A write only marks its day stale: one insert into a table nobody else updates. Adding to
        // the day's totals here instead made every write of the day queue for the same few rows and
        // cost about a third more PostgreSQL time per complaint (docs/benchmark.md). A complaint's
        // business day never changes (it is the day it was filed), so the new row's day is the old's.
        yield return new Function(Name("kpi_daily_mark_stale"), $$"""
            create or replace function {{Schema}}.kpi_daily_mark_stale()
            returns trigger language plpgsql as $fn$
            begin
              if tg_op = 'UPDATE' and old is not distinct from new then return null; end if;
              if tg_op <> 'INSERT' and old.local_day is not null then insert into {{Stale}} (local_day) values (old.local_day); end if;
              if tg_op <> 'DELETE' and new.local_day is not null and new.local_day is distinct from old.local_day then
                insert into {{Stale}} (local_day) values (new.local_day);
              end if;
              return null;
            end
            $fn$;
            """);
        yield return new Trigger(Name("kpi_facts_daily"), Name(KpiFactsTable.Name), $"{Schema}.kpi_daily_mark_stale()")
        {
            Timing = TriggerTiming.After,
            Events = TriggerEvents.Insert | TriggerEvents.Update | TriggerEvents.Delete,
        };
    }

    private static DbObjectName Name(string name) => PostgresqlProvider.Instance.Parse($"{Schema}.{name}");

    private static void AddDayKey(Table table)
    {
        table.AddColumn("local_day", "date").AsPrimaryKey();
        foreach (var key in new[] { "team", "category", "agent" }) table.AddColumn(key, "text").AsPrimaryKey();
    }

    /// <summary>Empties the roll-ups with the rows (a rebuild): a truncate fires no row trigger.</summary>
    public static string TruncateWithFacts => $"truncate {Facts}, {Days}, {FirstResponses}, {Breaches}, {Stale}";

    /// <summary>
    /// Gives a business day to rows written before the column existed; the trigger marks those days stale.
    /// Returns how many were dated.
    /// </summary>
    public static async Task<int> FillDaysAsync(NpgsqlDataSource database, string timeZone, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"update {Facts} set local_day = (filed_at at time zone $1)::date where local_day is null");
        command.Parameters.Add(new NpgsqlParameter { Value = timeZone, NpgsqlDbType = NpgsqlDbType.Text });
        command.CommandTimeout = 0;
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Totals again the stale days (all of them, or those in [<paramref name="firstDay"/>,
    /// <paramref name="endDay"/>)) from their rows, and returns how many days that was. Only the
    /// marks this transaction sees are taken: a write that commits meanwhile leaves its own, so its
    /// day is totalled again next time. Refreshes with work take turns (an advisory lock).
    /// </summary>
    public static async Task<int> RefreshAsync(NpgsqlDataSource database, DateOnly? firstDay, DateOnly? endDay, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var days = new List<DateOnly>();
        await using (var take = new NpgsqlCommand(
            $"with taken as (delete from {Stale} where ($1::date is null or local_day >= $1) and ($2::date is null or local_day < $2) returning local_day) select distinct local_day from taken",
            connection, transaction))
        {
            take.Parameters.Add(new NpgsqlParameter { Value = firstDay is { } f ? f : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
            take.Parameters.Add(new NpgsqlParameter { Value = endDay is { } e ? e : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
            await using var reader = await take.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) days.Add(reader.GetFieldValue<DateOnly>(0));
        }
        if (days.Count == 0) return 0;
        // Two refreshes may hold marks of the same day; the second totals it after the first commits.
        // Taken only when there is work, so reports with nothing stale never wait for each other.
        await using (var turn = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('complaints.kpi_daily'))", connection, transaction))
            await turn.ExecuteNonQueryAsync(cancellationToken);
        var counters = string.Join(", ", Counters);
        string[] statements =
        [
            $"delete from {Days} where local_day = any($1)",
            $"delete from {FirstResponses} where local_day = any($1)",
            $"delete from {Breaches} where local_day = any($1)",
            $"insert into {Days} ({DayKey}, {counters}) select {DayKey}, {string.Join(", ", Counters.Select(c => $"sum(c.{c})"))} " +
                $"from {Facts} k cross join lateral {Schema}.{Contribution}(k) c where local_day = any($1) group by {DayKey}",
            $"insert into {FirstResponses} ({DayKey}, bucket, responses) select {DayKey}, bucket, count(*) " +
                $"from {Facts} k cross join lateral (select {Schema}.kpi_first_response_bucket(k) as bucket) b where local_day = any($1) and bucket is not null group by {DayKey}, bucket",
            $"insert into {Breaches} ({DayKey}, clock, breaches) select {DayKey}, clock, count(*) " +
                $"from {Facts} k cross join lateral {Schema}.kpi_regulatory_breaches(k) as r(clock) where local_day = any($1) group by {DayKey}, clock",
        ];
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            foreach (var statement in statements)
            {
                var command = new NpgsqlBatchCommand(statement);
                command.Parameters.Add(new NpgsqlParameter { Value = days.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date });
                batch.BatchCommands.Add(command);
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return days.Count;
    }

    /// <summary>
    /// The sums of a period, per group: whole business days [<paramref name="firstDay"/>,
    /// <paramref name="endDay"/>) from the roll-ups, and the partial days at either end
    /// (<paramref name="edges"/>, instants) from the rows through the same contribution.
    /// <paramref name="groupKey"/> is a SQL expression over local_day, team, category and agent.
    /// </summary>
    public static async Task<Dictionary<string, KpiTally>> ReadAsync(
        NpgsqlDataSource database, DateOnly firstDay, DateOnly endDay, IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> edges,
        string groupKey, CancellationToken cancellationToken)
    {
        // $1 and $2 are the whole days, then each edge's [from, to).
        var edgeFilter = edges.Count == 0 ? "false" : string.Join(" or ", edges.Select((_, i) => $"(k.filed_at >= ${3 + 2 * i} and k.filed_at < ${4 + 2 * i})"));
        // The contribution is joined laterally, where PostgreSQL inlines it (in the select list it would run per row).
        string Union(string columns, string table, string edgeColumns, string edgeFunction) => $"""
            select {groupKey} as key, {columns} from {table} where local_day >= $1 and local_day < $2
            union all
            select {groupKey} as key, {edgeColumns} from {Facts} k cross join lateral {edgeFunction} where {edgeFilter}
            """;
        var counters = string.Join(", ", Counters);
        string[] statements =
        [
            $"select key, category, {string.Join(", ", Counters.Select(c => $"sum({c})::double precision"))} from ("
                + Union("category, " + counters, Days, "category, " + ContributionColumns, $"{Schema}.{Contribution}(k) c")
                + ") s group by key, category",
            $"select key, bucket, sum(responses)::bigint from ("
                + Union("bucket, responses", FirstResponses, "bucket, 1", $"(select {Schema}.kpi_first_response_bucket(k) as bucket) b")
                + ") s where bucket is not null group by key, bucket",
            $"select key, category, clock, sum(breaches)::bigint from ("
                + Union("category, clock, breaches", Breaches, "category, clock, 1", $"{Schema}.kpi_regulatory_breaches(k) as r(clock)")
                + ") s group by key, category, clock",
        ];
        await using var batch = database.CreateBatch();
        foreach (var statement in statements)
        {
            var command = new NpgsqlBatchCommand(statement);
            command.Parameters.Add(new NpgsqlParameter { Value = firstDay, NpgsqlDbType = NpgsqlDbType.Date });
            command.Parameters.Add(new NpgsqlParameter { Value = endDay, NpgsqlDbType = NpgsqlDbType.Date });
            foreach (var (from, to) in edges)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = from, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                command.Parameters.Add(new NpgsqlParameter { Value = to, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            }
            batch.BatchCommands.Add(command);
        }

        var tallies = new Dictionary<string, KpiTally>(StringComparer.Ordinal);
        KpiTally For(string key) => tallies.TryGetValue(key, out var tally) ? tally : tallies[key] = new KpiTally();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var sums = new double[Counters.Length];
            for (var i = 0; i < sums.Length; i++) sums[i] = reader.GetDouble(2 + i);
            For(reader.GetString(0)).Add(reader.GetString(1), sums);
        }
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            For(reader.GetString(0)).AddFirstResponses(reader.GetInt32(1), reader.GetInt64(2));
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            For(reader.GetString(0)).AddRegulatoryBreaches(reader.GetString(1), reader.GetString(2), reader.GetInt64(3));
        return tallies;
    }
}

/// <summary>
/// Totals again the days whose KPI rows changed, every half minute (on the injected clock), so the
/// marks of days no report asks for do not pile up and reports seldom wait for a refresh.
/// </summary>
public sealed class RefreshKpiRollups(NpgsqlDataSource database, TimeProvider clock, ILogger<RefreshKpiRollups> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await KpiDailyRollup.RefreshAsync(database, null, null, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Reports refresh the days they read themselves; this only keeps the backlog short.
                logger.LogWarning(ex, "Refreshing the KPI roll-ups failed; trying again in {Interval}", Interval);
            }
        }
    }
}
