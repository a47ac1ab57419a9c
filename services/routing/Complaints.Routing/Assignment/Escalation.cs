using Complaints.Contracts.Events;

namespace Complaints.Routing.Assignment;

public static class Escalation
{
    /// <summary>
    /// Moves an open case one tier up (its new assignee is the team's person at that tier, the
    /// agent's load released) and returns the event to append, or null at the top of the ladder.
    /// </summary>
    public static ComplaintEscalated? OneTierUp(OpenCase openCase, TeamDirectory teams, IDictionary<string, AgentWorkload> loads, string reason, DateTimeOffset now) =>
        Tiers.Above(openCase.Tier) is { } nextTier ? To(openCase, nextTier, teams, loads, reason, now) : null;

    /// <summary>Moves an open case up to <paramref name="tier"/>; the agent's load is released.</summary>
    public static ComplaintEscalated To(OpenCase openCase, string tier, TeamDirectory teams, IDictionary<string, AgentWorkload> loads, string reason, DateTimeOffset now)
    {
        var assignee = Tiers.AssigneeAt(tier, teams[openCase.Team], teams);
        var escalated = new ComplaintEscalated(openCase.Id, openCase.Tier, tier, reason, assignee, now);
        CaseAssignment.Release(openCase, loads);
        openCase.Tier = tier;
        openCase.AssigneeId = assignee;
        return escalated;
    }
}
