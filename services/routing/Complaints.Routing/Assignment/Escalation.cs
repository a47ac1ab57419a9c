using Complaints.Contracts.Events;
using Marten;

namespace Complaints.Routing.Assignment;

public static class Escalation
{
    /// <summary>
    /// Moves an open case one tier up (its new assignee is the team's person at that tier) and
    /// returns the event to append, or null at the top of the ladder.
    /// </summary>
    public static async Task<ComplaintEscalated?> OneTierUpAsync(
        IDocumentSession session, OpenCase openCase, TeamDirectory teams, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (Tiers.Above(openCase.Tier) is not { } nextTier) return null;
        var assignee = Tiers.AssigneeAt(nextTier, teams[openCase.Team], teams);
        var escalated = new ComplaintEscalated(openCase.Id, openCase.Tier, nextTier, reason, assignee, now);
        await ReleaseAgentLoadAsync(session, openCase, cancellationToken);
        openCase.Tier = nextTier;
        openCase.AssigneeId = assignee;
        return escalated;
    }

    /// <summary>The case leaves the agent's queue, so it no longer counts toward their load.</summary>
    public static async Task ReleaseAgentLoadAsync(IDocumentSession session, OpenCase openCase, CancellationToken cancellationToken)
    {
        if (openCase.LoadedAgentId is not { } agentId) return;
        var load = await session.LoadAsync<AgentWorkload>(agentId, cancellationToken);
        if (load is not null)
        {
            load.Open = Math.Max(0, load.Open - 1);
            if (openCase.Hostile) load.Hostile = Math.Max(0, load.Hostile - 1);
            session.Store(load);
        }
        openCase.LoadedAgentId = null;
    }
}
