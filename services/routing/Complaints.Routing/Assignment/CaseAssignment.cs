using Complaints.Contracts.Events;
using Complaints.Domain.Rules;
using Marten;

namespace Complaints.Routing.Assignment;

/// <summary>
/// Who answers for a case, at which tier, and why; <paramref name="CountsLoad"/> when it is an agent
/// working it from their own queue (an emergency included), so it counts toward their load and caps.
/// </summary>
public sealed record Assignee(string Id, string Tier, string Reason, bool CountsLoad);

/// <summary>
/// The one assignment rule, shared by routing a new complaint, re-routing after a triage correction
/// and a supervisor's reassignment: who gets the case (the least-loaded skilled agent under the
/// hostile caps, the team's supervisor when nobody qualifies, the crisis tier for an emergency, or
/// a named agent the caps allow), the events that record it, and what it does to the agents' loads.
/// Assignments in one team are serialised by <see cref="TeamLock"/>, taken before the loads are read.
/// </summary>
public static class CaseAssignment
{
    /// <summary>The least-loaded agent of <paramref name="team"/> with the skill; at crisis tier for an emergency.</summary>
    public static Assignee Pick(Team team, string category, bool hostile, bool emergency, IReadOnlyDictionary<string, AgentWorkload> loads, TeamDirectory teams, DateTimeOffset now)
    {
        var choice = AgentPicker.Pick(team, category, hostile, loads, teams.HostileCasesPerAgent, teams.HostileCasesPerShift, teams.ShiftStart(now));
        // The brief: emergencies start an emergency response at once; the chosen agent works it at crisis tier.
        return new Assignee(choice.AssigneeId, emergency ? Tiers.Crisis : choice.Tier, choice.Reason, CountsLoad: choice.Tier == Tiers.Agent);
    }

    /// <summary>
    /// A named agent (a reassignment): refused when the case is hostile and the agent is at the
    /// hostile-case cap or has had the shift's share (stress rotation, seed 003), which holds for
    /// people's choices as it does for routing's. An emergency stays at crisis tier; anything else
    /// comes back to the agent tier.
    /// </summary>
    public static Assignee Named(string agentId, bool hostile, string currentTier, AgentWorkload? load, TeamDirectory teams, DateTimeOffset now, string reason)
    {
        load ??= new AgentWorkload { Id = agentId };
        Rejection.Require(!hostile || load.Hostile < teams.HostileCasesPerAgent,
            $"{agentId} already has {load.Hostile} hostile cases, the most an agent carries; choose another agent or take it yourself");
        Rejection.Require(!hostile || load.HostileInShift(teams.ShiftStart(now)) < teams.HostileCasesPerShift,
            $"{agentId} has had {teams.HostileCasesPerShift} hostile cases this shift (stress rotation); choose another agent");
        var tier = currentTier == Tiers.Crisis ? Tiers.Crisis : Tiers.Agent;
        return new Assignee(agentId, tier, reason, CountsLoad: tier == Tiers.Agent);
    }

    /// <summary>
    /// The assignment's events: <see cref="ComplaintAssigned"/>, and <see cref="ComplaintEscalated"/>
    /// from <paramref name="fromTier"/> when the case lands above the agent tier at a new tier.
    /// </summary>
    public static IEnumerable<object> Events(Guid complaintId, string team, Assignee assignee, string fromTier, string assignedReason, string escalationReason,
        DateTimeOffset firstResponseDue, DateTimeOffset resolutionDue, DateTimeOffset now)
    {
        yield return new ComplaintAssigned(complaintId, team, assignee.Id, assignee.Tier, assignedReason, firstResponseDue, resolutionDue, now);
        if (assignee.Tier != Tiers.Agent && assignee.Tier != fromTier)
            yield return new ComplaintEscalated(complaintId, fromTier, assignee.Tier, escalationReason, assignee.Id, now);
    }

    /// <summary>
    /// The open case follows the assignment: the agent who had it is released, the new one's load
    /// counts it (hostile cases toward the caps too). Returns the loads changed.
    /// </summary>
    public static IReadOnlyList<AgentWorkload> Apply(OpenCase openCase, string team, Assignee assignee, bool hostile,
        IDictionary<string, AgentWorkload> loads, TeamDirectory teams, DateTimeOffset now, long openStateVersion)
    {
        var changed = new List<AgentWorkload>();
        if (Release(openCase, loads) is { } released) changed.Add(released);
        if (assignee.CountsLoad)
        {
            var load = loads.TryGetValue(assignee.Id, out var known) ? known : loads[assignee.Id] = new AgentWorkload { Id = assignee.Id };
            load.Open++;
            if (hostile) load.TakeHostile(teams.ShiftStart(now));
            openCase.LoadedAgentId = assignee.Id;
            if (!changed.Contains(load)) changed.Add(load);
        }
        openCase.Team = team;
        openCase.AssigneeId = assignee.Id;
        openCase.Tier = assignee.Tier;
        openCase.Hostile = hostile;
        openCase.AssignedAt = now;
        openCase.OpenStateVersion = openStateVersion;
        return changed;
    }

    /// <summary>The case leaves its agent's queue, so it no longer counts toward their load. Returns the load changed, if any.</summary>
    public static AgentWorkload? Release(OpenCase openCase, IDictionary<string, AgentWorkload> loads)
    {
        if (openCase.LoadedAgentId is not { } agentId) return null;
        openCase.LoadedAgentId = null;
        if (!loads.TryGetValue(agentId, out var load)) return null;
        load.Open = Math.Max(0, load.Open - 1);
        if (openCase.Hostile) load.Hostile = Math.Max(0, load.Hostile - 1);
        return load;
    }

    /// <summary>The loads of these agents (those never loaded have none yet), read in the writer's session.</summary>
    public static async Task<Dictionary<string, AgentWorkload>> LoadsAsync(IDocumentSession session, IEnumerable<string?> agentIds, CancellationToken cancellationToken)
    {
        var ids = agentIds.OfType<string>().Distinct().ToArray();
        if (ids.Length == 0) return [];
        return (await session.LoadManyAsync<AgentWorkload>(cancellationToken, ids)).ToDictionary(l => l.Id);
    }

    /// <summary>Takes <paramref name="team"/>'s assignment lock (until the transaction ends) and reads its agents' loads and the case's current agent's.</summary>
    public static async Task<Dictionary<string, AgentWorkload>> LockAndLoadAsync(IDocumentSession session, Team team, OpenCase? openCase, CancellationToken cancellationToken)
    {
        await session.BeginTransactionAsync(cancellationToken);
        await TeamLock.AcquireAsync(session, team.Name, cancellationToken);
        return await LoadsAsync(session, team.Agents.Select(a => a.Id).Append(openCase?.LoadedAgentId), cancellationToken);
    }

    /// <summary>Takes several teams' assignment locks (a batch of new complaints) and reads all their agents' loads.</summary>
    public static async Task<Dictionary<string, AgentWorkload>> LockAndLoadAsync(IDocumentSession session, IReadOnlyCollection<Team> teams, CancellationToken cancellationToken)
    {
        await session.BeginTransactionAsync(cancellationToken);
        await TeamLock.AcquireAsync(session, teams.Select(t => t.Name), cancellationToken);
        return await LoadsAsync(session, teams.SelectMany(t => t.Agents).Select(a => a.Id), cancellationToken);
    }
}
