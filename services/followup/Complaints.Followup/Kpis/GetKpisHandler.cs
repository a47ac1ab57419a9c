using Complaints.Contracts.Followup.V1;
using Complaints.Followup.Facts;
using Complaints.ServiceDefaults;
using Marten;

namespace Complaints.Followup.Kpis;

public sealed class GetKpisHandler(IQuerySession session)
{
    public async Task<GetKpisResponse> HandleAsync(GetKpisRequest request, CancellationToken cancellationToken)
    {
        var (from, to) = ReportingPeriod.Of(request.From, request.To);
        var filed = await session.Query<ComplaintFacts>().Where(f => f.FiledAt >= from && f.FiledAt < to).ToListAsync(cancellationToken);
        // Harassment and nonsense contacts are handled like any other but would distort every figure.
        var facts = filed.Where(f => !f.Nuisance).ToList();

        var response = new GetKpisResponse { Kpis = { KpiCalculator.Compute("all", facts) }, NuisanceContactsExcluded = filed.Count - facts.Count };
        Func<ComplaintFacts, string>? key = request.GroupBy switch
        {
            KpiGrouping.Team => f => f.Team,
            KpiGrouping.Category => f => f.Category,
            _ => null,
        };
        if (key is not null)
            response.Kpis.AddRange(facts.GroupBy(key).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => KpiCalculator.Compute(g.Key, g.ToList())));
        return response;
    }
}
