namespace Complaints.Routing.Assignment;

/// <summary>The escalation ladder: agent, supervisor, manager, crisis team.</summary>
public static class Tiers
{
    public const string Agent = "agent";
    public const string Supervisor = "supervisor";
    public const string Manager = "manager";
    public const string Crisis = "crisis";

    private static readonly string[] Ladder = [Agent, Supervisor, Manager, Crisis];

    /// <summary>The tier above, or null at the top.</summary>
    public static string? Above(string tier)
    {
        var index = Array.IndexOf(Ladder, tier);
        return index >= 0 && index < Ladder.Length - 1 ? Ladder[index + 1] : null;
    }

    /// <summary>Whether <paramref name="tier"/> is higher on the ladder than <paramref name="than"/>.</summary>
    public static bool IsAbove(string tier, string than) => Array.IndexOf(Ladder, tier) > Array.IndexOf(Ladder, than);

    /// <summary>Who answers for a complaint of <paramref name="team"/> at a tier above the agent.</summary>
    public static string AssigneeAt(string tier, Team team, TeamDirectory directory) => tier switch
    {
        Supervisor => team.Supervisor,
        Manager => team.Manager,
        Crisis => directory[directory.CrisisTeam].Supervisor,
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "agents are picked by load, not by tier"),
    };
}
