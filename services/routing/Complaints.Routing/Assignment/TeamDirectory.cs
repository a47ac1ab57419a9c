using Complaints.Domain.Rules;
using System.Text.Json;

namespace Complaints.Routing.Assignment;

/// <summary>Teams, agents and skills (teams.json): who owns which category and who stands at each tier.</summary>
public sealed class TeamDirectory
{
    public int HostileCasesPerAgent { get; init; } = 2;
    /// <summary>Stress rotation (seed 003): after this many hostile cases in a shift, an agent takes no more until the next.</summary>
    public int HostileCasesPerShift { get; init; } = 4;
    /// <summary>Shifts run back to back from midnight UTC, this long each.</summary>
    public int ShiftHours { get; init; } = 8;

    /// <summary>When the shift running at <paramref name="now"/> began.</summary>
    public DateTimeOffset ShiftStart(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        var day = new DateTimeOffset(utc.Date, TimeSpan.Zero);
        return day.AddHours(Math.Floor((utc - day).TotalHours / ShiftHours) * ShiftHours);
    }
    public string DefaultTeam { get; init; } = "";
    public string CrisisTeam { get; init; } = "";
    public List<Team> Teams { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static TeamDirectory Load(string path)
    {
        var directory = JsonSerializer.Deserialize<TeamDirectory>(File.ReadAllText(path), Json)
                        ?? throw new InvalidDataException($"{path} holds no teams");
        foreach (var name in new[] { directory.DefaultTeam, directory.CrisisTeam })
            if (directory.Teams.All(t => t.Name != name)) throw new InvalidDataException($"{path}: team '{name}' is not defined");
        foreach (var team in directory.Teams.Where(t => t.Agents.Count == 0))
            throw new InvalidDataException($"{path}: team '{team.Name}' has no agents");
        return directory;
    }

    /// <summary>
    /// A team by name. A case routed to a team that has since left the directory (teams.json redeployed
    /// without it) cannot be worked through that team: the caller is told so, and the case is reassigned.
    /// </summary>
    public Team this[string name] => Teams.FirstOrDefault(t => t.Name == name)
        ?? throw new Rejection(RejectionKind.FailedPrecondition, $"Team '{name}' is no longer in the team directory; reassign the case to a current team first");

    /// <summary>The team an agent belongs to, or null for someone who is no team's agent.</summary>
    public string? TeamOf(string agentId) => Teams.FirstOrDefault(t => t.Agents.Any(a => a.Id == agentId))?.Name;

    /// <summary>The team that owns a category, and the rule that says so.</summary>
    public (Team Team, string Rule) ForCategory(string category, bool emergency)
    {
        if (emergency) return (this[CrisisTeam], $"emergency -> {CrisisTeam}");
        var owner = Teams.FirstOrDefault(t => t.Categories.Contains(category));
        return owner is not null
            ? (owner, $"category {category} -> {owner.Name}")
            : (this[DefaultTeam], $"no team owns {category} -> {DefaultTeam}");
    }
}

public sealed class Team
{
    public string Name { get; init; } = "";
    public List<string> Categories { get; init; } = [];
    public string Supervisor { get; init; } = "";
    public string Manager { get; init; } = "";
    public List<Agent> Agents { get; init; } = [];
}

public sealed class Agent
{
    public string Id { get; init; } = "";
    public List<string> Skills { get; init; } = [];

    public bool Handles(string category) => Skills.Contains("*") || Skills.Contains(category);
}
