using Complaints.Contracts.Routing.V1;
using Complaints.Routing.AgentCases;
using Complaints.Routing.Assignment;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Marten;

namespace Complaints.Routing.TeamBoard;

/// <summary>
/// A team's board, what a supervisor runs the day from: every open case of the team with its next
/// deadline (a promise or an SLA deadline), those breaching or at risk within the window, those above
/// the agent tier, those awaiting triage review, and each agent's load. Breaching cases first, then
/// by the deadline nearest to now (the injected clock's), a page at a time; the figures count the
/// whole team.
/// </summary>
public sealed class GetTeamBoardHandler(IQuerySession session, TeamDirectory teams, TimeProvider clock)
{
    private static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(60);

    public async Task<GetTeamBoardResponse> HandleAsync(GetTeamBoardRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var teamName = request.Team.Trim() is { Length: > 0 } named ? named : caller.Team ?? "";
        var violations = new FieldViolations();
        if (teamName.Length == 0) violations.Add("team", "is required for a caller without a team");
        else if (teams.Teams.All(t => t.Name != teamName)) violations.Add("team", $"'{teamName}' is no team");
        if (request.AtRiskWithinMinutes < 0) violations.Add("at_risk_within_minutes", "must not be negative");
        var paging = PageRequest.Parse(request.PageSize, request.PageToken, $"board:{teamName}", violations);
        violations.ThrowIfAny();
        caller.Require(!caller.Is(Roles.Supervisor) || teamName == caller.Team, $"a supervisor sees their own team's board ({caller.Team})");

        var now = clock.GetUtcNow();
        var window = request.AtRiskWithinMinutes > 0 ? TimeSpan.FromMinutes(request.AtRiskWithinMinutes) : DefaultWindow;
        var cases = await session.Query<OpenCase>().Where(c => c.Team == teamName && c.Open).ToListAsync(cancellationToken);
        var board = cases.Select(c => new
            {
                Case = c,
                Breaching = c.FirstResponseBreached || c.ResolutionBreached || c.NextDeadline < now,
                AtRisk = c.NextDeadline is { } due && due >= now && due - now <= window,
            })
            .ToList();
        // Breaching first, then by next deadline. A case whose deadline passes between two pages
        // moves up, to a page already read: the next reading of the board shows it, and the
        // breaching count above every page says how many there are.
        var (page, nextPageToken) = paging.Take(board, b => new PageKey(b.Breaching ? 0 : 1, PageKey.Time(b.Case.NextDeadline), b.Case.Id));
        var team = teams[teamName];
        var shift = teams.ShiftStart(now);
        var loads = (await session.LoadManyAsync<AgentWorkload>(cancellationToken, team.Agents.Select(a => a.Id))).ToDictionary(l => l.Id);

        return new GetTeamBoardResponse
        {
            Team = teamName,
            Cases =
            {
                page.Select(b => new BoardCase
                {
                    Case = ListAgentCasesHandler.AsAgentCase(b.Case, now),
                    AssigneeId = b.Case.AssigneeId,
                    NextDeadline = b.Case.NextDeadline is { } next ? Timestamp.FromDateTimeOffset(next) : null,
                    Breaching = b.Breaching,
                    AtRisk = b.AtRisk,
                }),
            },
            NextPageToken = nextPageToken,
            TotalSize = board.Count,
            Breaching = board.Count(b => b.Breaching),
            AtRisk = board.Count(b => b.AtRisk),
            AboveAgentTier = cases.Count(c => c.Tier != Tiers.Agent),
            NeedsReview = cases.Count(c => c.NeedsReview),
            Agents =
            {
                team.Agents.Select(a => new AgentLoad
                {
                    AgentId = a.Id,
                    Open = loads.GetValueOrDefault(a.Id)?.Open ?? 0,
                    Hostile = loads.GetValueOrDefault(a.Id)?.Hostile ?? 0,
                    HostileThisShift = loads.GetValueOrDefault(a.Id)?.HostileInShift(shift) ?? 0,
                    Resting = (loads.GetValueOrDefault(a.Id)?.HostileInShift(shift) ?? 0) >= teams.HostileCasesPerShift,
                }),
            },
        };
    }
}
