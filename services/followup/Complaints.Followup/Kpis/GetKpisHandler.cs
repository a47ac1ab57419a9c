using Complaints.Contracts.Followup.V1;
using Complaints.Followup.Facts;
using Complaints.Domain.ServiceLevels;
using Microsoft.Extensions.Options;
using Npgsql;
using System.Globalization;

namespace Complaints.Followup.Kpis;

/// <summary>
/// KPIs for a period, overall and by a grouping. A period that spans whole business days reads them
/// from the daily roll-ups and only its partial first and last days from the rows, so its cost
/// does not grow with the complaints in it; a shorter one is computed exactly from the rows.
/// </summary>
public sealed class GetKpisHandler(NpgsqlDataSource database, IOptions<SlaOptions> sla)
{
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(sla.Value.TimeZone);

    private DateTimeOffset StartOf(DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight)).ToUniversalTime();
    }

    /// <summary>The call center's business day of an instant: a day's series is the local day, not UTC's.</summary>
    private DateOnly Local(DateTimeOffset at) => KpiFactsTable.LocalDay(at, zone);

    private static DateOnly Monday(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    public async Task<GetKpisResponse> HandleAsync(GetKpisRequest request, CancellationToken cancellationToken)
    {
        var (from, to) = ReportingPeriod.Of(request.From, request.To);
        var fromDay = Local(from);
        var firstWholeDay = StartOf(fromDay) == from ? fromDay : fromDay.AddDays(1);
        var endDay = Local(to);
        return firstWholeDay < endDay
            ? await FromDailyRollupsAsync(request.GroupBy, from, to, firstWholeDay, endDay, cancellationToken)
            : await FromRowsAsync(request.GroupBy, from, to, cancellationToken);
    }

    private async Task<GetKpisResponse> FromDailyRollupsAsync(KpiGrouping grouping, DateTimeOffset from, DateTimeOffset to, DateOnly firstDay, DateOnly endDay, CancellationToken cancellationToken)
    {
        var edges = new[] { (From: from, To: StartOf(firstDay)), (From: StartOf(endDay), To: to) }.Where(e => e.From < e.To).ToList();
        var key = grouping switch
        {
            KpiGrouping.Team => "team",
            KpiGrouping.Category => "category",
            KpiGrouping.Agent => "agent",
            KpiGrouping.Day => "to_char(local_day, 'YYYY-MM-DD')",
            KpiGrouping.Week => "to_char(date_trunc('week', local_day), 'YYYY-MM-DD')", // ISO weeks start on Monday
            KpiGrouping.Month => "to_char(local_day, 'YYYY-MM')",
            _ => "''",
        };
        await KpiDailyRollup.RefreshAsync(database, firstDay, endDay, cancellationToken);
        var groups = await KpiDailyRollup.ReadAsync(database, firstDay, endDay, edges, key, cancellationToken);
        var all = new KpiTally();
        foreach (var tally in groups.Values) all.Add(tally);
        var clocks = sla.Value.RegulatoryClocks;
        var response = new GetKpisResponse { Kpis = { all.ToKpi("all", clocks) }, NuisanceContactsExcluded = (int)all.NuisanceContacts };
        if (grouping is not KpiGrouping.Unspecified)
            response.Kpis.AddRange(groups.Where(g => g.Value.HasComplaints).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Value.ToKpi(g.Key, clocks)));
        return response;
    }

    /// <summary>KPIs computed exactly from every row of the period, whatever its length (what the roll-ups are held to).</summary>
    public Task<GetKpisResponse> ExactAsync(GetKpisRequest request, CancellationToken cancellationToken)
    {
        var (from, to) = ReportingPeriod.Of(request.From, request.To);
        return FromRowsAsync(request.GroupBy, from, to, cancellationToken);
    }

    private async Task<GetKpisResponse> FromRowsAsync(KpiGrouping grouping, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        // In one order whatever order PostgreSQL returns the rows in: sums of hours in floating point
        // depend on the order they are added in, and the same rows must give the same figures.
        var filed = (await KpiFactsTable.ReadAsync(database, from, to, cancellationToken)).OrderBy(f => f.Id).ToList();
        // Harassment and nonsense contacts are handled like any other but would distort every figure.
        var facts = filed.Where(f => !f.Nuisance).ToList();

        var response = new GetKpisResponse { Kpis = { KpiCalculator.Compute("all", facts, sla.Value.RegulatoryClocks) }, NuisanceContactsExcluded = filed.Count - facts.Count };
        Func<ComplaintFacts, string>? key = grouping switch
        {
            KpiGrouping.Team => f => f.Team,
            KpiGrouping.Category => f => f.Category,
            KpiGrouping.Agent => f => f.Agent,
            KpiGrouping.Day => f => Local(f.FiledAt).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            KpiGrouping.Week => f => Monday(Local(f.FiledAt)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            KpiGrouping.Month => f => Local(f.FiledAt).ToString("yyyy-MM", CultureInfo.InvariantCulture),
            _ => null,
        };
        if (key is not null)
            response.Kpis.AddRange(facts.GroupBy(key).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => KpiCalculator.Compute(g.Key, g.ToList(), sla.Value.RegulatoryClocks)));
        return response;
    }
}
