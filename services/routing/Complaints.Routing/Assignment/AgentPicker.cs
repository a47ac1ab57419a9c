namespace Complaints.Routing.Assignment;

public sealed record AgentChoice(string Tier, string AssigneeId, string Reason);

/// <summary>
/// Picks the agent of a team with the least open load among those with the category's skill;
/// for an angry or out-of-control customer, only agents under the hostile-case cap qualify.
/// When nobody qualifies, the complaint goes to the team's supervisor.
/// </summary>
public static class AgentPicker
{
    /// <param name="shiftCap">Hostile cases an agent takes per shift (stress rotation); with <paramref name="shiftStart"/>, the shift now running.</param>
    public static AgentChoice Pick(Team team, string category, bool hostile, IReadOnlyDictionary<string, AgentWorkload> loads, int hostileCap,
        int shiftCap = int.MaxValue, DateTimeOffset shiftStart = default)
    {
        var skilled = team.Agents.Where(a => a.Handles(category)).ToList();
        var candidates = skilled.Count > 0 ? skilled : team.Agents;
        AgentWorkload Load(Agent a) => loads.TryGetValue(a.Id, out var load) ? load : new AgentWorkload { Id = a.Id };

        if (hostile)
        {
            var rested = candidates.Where(a => Load(a).HostileInShift(shiftStart) < shiftCap).ToList();
            candidates = rested.Where(a => Load(a).Hostile < hostileCap).ToList();
            if (candidates.Count == 0)
                return new AgentChoice(Tiers.Supervisor, team.Supervisor, rested.Count == 0
                    ? $"stress rotation: every {team.Name} agent with skill {category} has had {shiftCap} hostile cases this shift"
                    : $"every {team.Name} agent with skill {category} already has {hostileCap} hostile cases");
        }

        var chosen = candidates
            .OrderBy(a => Load(a).Open)
            .ThenBy(a => Load(a).Hostile)
            .ThenBy(a => a.Id, StringComparer.Ordinal)
            .First();
        return new AgentChoice(Tiers.Agent, chosen.Id,
            $"least open load in {team.Name} ({Load(chosen).Open} open{(hostile ? $", {Load(chosen).Hostile} hostile" : "")})" +
            (skilled.Count > 0 ? $" with skill {category}" : $"; nobody has skill {category}"));
    }
}
