using Complaints.Contracts.Routing.V1;
using Complaints.Routing.Assignment;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Marten;

namespace Complaints.Routing.AgentCases;

/// <summary>An agent's (or supervisor's) open cases, the nearest deadline first, a page at a time.</summary>
public sealed class ListAgentCasesHandler(IQuerySession session, TeamDirectory teams, TimeProvider clock)
{
    public async Task<ListAgentCasesResponse> HandleAsync(ListAgentCasesRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var agentId = string.IsNullOrWhiteSpace(request.AgentId) ? caller.Subject : request.AgentId.Trim();
        var violations = new FieldViolations();
        var paging = PageRequest.Parse(request.PageSize, request.PageToken, $"cases:{agentId}", violations);
        violations.ThrowIfAny();
        if (agentId != caller.Subject)
        {
            caller.Require(!caller.Is(Roles.Agent), "an agent sees only their own cases");
            caller.Require(!caller.Is(Roles.Supervisor) || teams.TeamOf(agentId) is { } team && team == caller.Team,
                $"a supervisor sees the cases of their own team's agents; {agentId} is not in team {caller.Team}");
        }
        var cases = await session.Query<OpenCase>()
            .Where(c => c.AssigneeId == agentId && c.Open)
            .ToListAsync(cancellationToken);
        var (page, nextPageToken) = paging.Take(cases, c => new PageKey(PageKey.Time(c.NextDeadline), PageKey.Time(c.ResolutionDue), c.Id));

        var response = new ListAgentCasesResponse
        {
            AgentId = agentId, HostileCases = cases.Count(c => c.Hostile), NextPageToken = nextPageToken, TotalSize = cases.Count,
        };
        var now = clock.GetUtcNow();
        response.Cases.AddRange(page.Select(c => AsAgentCase(c, now)));
        return response;
    }

    /// <summary>An open case as agents' and supervisors' desktops show it.</summary>
    public static AgentCase AsAgentCase(OpenCase c, DateTimeOffset now) => new()
    {
        RegulatoryClocks =
        {
            c.RegulatoryClocks.Select(r => new RegulatoryClock
            {
                Name = r.Name, Rule = r.Rule, DueBy = Timestamp.FromDateTimeOffset(r.DueBy),
                Warning = !r.Breached && now >= r.WarnFrom, Breached = r.Breached, Extended = r.Extended,
            }),
        },
        ComplaintId = c.Id.ToString(),
        ComplaintNumber = c.ComplaintNumber,
        Team = c.Team,
        Priority = c.Priority,
        Category = c.Category,
        Emotion = c.Emotion,
        Tier = c.Tier,
        AssignedAt = Timestamp.FromDateTimeOffset(c.AssignedAt),
        FirstResponseDue = Timestamp.FromDateTimeOffset(c.FirstResponseDue),
        ResolutionDue = Timestamp.FromDateTimeOffset(c.ResolutionDue),
        FirstResponseSent = c.FirstResponded,
        TriageNeedsReview = c.NeedsReview,
        Nuisance = c.Nuisance,
    };
}
