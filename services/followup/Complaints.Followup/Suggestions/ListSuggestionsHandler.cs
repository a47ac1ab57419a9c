using Complaints.Contracts.Followup.V1;
using Complaints.Followup.Facts;
using Complaints.Followup.Kpis;
using Complaints.ServiceDefaults;
using Google.Protobuf.WellKnownTypes;
using Marten;

namespace Complaints.Followup.Suggestions;

/// <summary>
/// The improvement backlog: every complaint of a period that suggests a change, whether triage saw it
/// or an agent corrected the kind. The idea itself is the customer's words, read on the complaint by
/// those allowed to (GetComplaint); the backlog names the complaint and what it is about.
/// </summary>
public sealed class ListSuggestionsHandler(IQuerySession session)
{
    public async Task<ListSuggestionsResponse> HandleAsync(ListSuggestionsRequest request, CancellationToken cancellationToken)
    {
        var (from, to) = ReportingPeriod.Of(request.From, request.To);
        var suggestions = await session.Query<ComplaintFacts>()
            .Where(f => f.FiledAt >= from && f.FiledAt < to && f.Kind == "suggestion" && !f.Nuisance)
            .OrderBy(f => f.FiledAt)
            .ToListAsync(cancellationToken);
        return new ListSuggestionsResponse
        {
            Suggestions =
            {
                suggestions.Select(f => new Suggestion
                {
                    ComplaintId = f.Id.ToString(),
                    ComplaintNumber = f.ComplaintNumber,
                    Category = f.Category,
                    Team = f.Team,
                    FiledAt = Timestamp.FromDateTimeOffset(f.FiledAt),
                    ActionIds = { f.ImprovementActions.Select(a => a.ToString()) },
                }),
            },
        };
    }
}
