using Complaints.Contracts.Followup.V1;
using Complaints.Followup.Facts;
using Complaints.ServiceDefaults;
using System.Globalization;
using Complaints.ServiceDefaults.ServiceLevels;
using Npgsql;
using Microsoft.Extensions.Options;

namespace Complaints.Followup.Kpis;

public sealed class GetKpisHandler(NpgsqlDataSource database, IOptions<SlaOptions> sla)
{
    private readonly TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(sla.Value.TimeZone);

    /// <summary>The call center's local date of an instant: a day's series is the business day, not UTC's.</summary>
    private DateTime Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).Date;

    private static DateTime Monday(DateTime day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    public async Task<GetKpisResponse> HandleAsync(GetKpisRequest request, CancellationToken cancellationToken)
    {
        var (from, to) = ReportingPeriod.Of(request.From, request.To);
        var filed = await KpiFactsTable.ReadAsync(database, from, to, cancellationToken);
        // Harassment and nonsense contacts are handled like any other but would distort every figure.
        var facts = filed.Where(f => !f.Nuisance).ToList();

        var response = new GetKpisResponse { Kpis = { KpiCalculator.Compute("all", facts, sla.Value.RegulatoryClocks) }, NuisanceContactsExcluded = filed.Count - facts.Count };
        Func<ComplaintFacts, string>? key = request.GroupBy switch
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
