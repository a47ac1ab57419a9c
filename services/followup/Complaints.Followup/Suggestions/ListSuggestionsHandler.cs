using Complaints.Contracts.Followup.V1;
using Complaints.Followup.Facts;
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
        var violations = new FieldViolations();
        if (request.From is null) violations.Add("from", "is required");
        if (request.To is null) violations.Add("to", "is required");
        if (request.From is not null && request.To is not null && request.From.ToDateTimeOffset() >= request.To.ToDateTimeOffset())
            violations.Add("to", "must be after from");
        violations.ThrowIfAny();

        var from = request.From!.ToDateTimeOffset();
        var to = request.To!.ToDateTimeOffset();
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
