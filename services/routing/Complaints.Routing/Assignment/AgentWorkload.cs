namespace Complaints.Routing.Assignment;

/// <summary>An agent's open cases, kept with each assignment so the next one can pick the least loaded.</summary>
public sealed class AgentWorkload
{
    /// <summary>The agent id.</summary>
    public string Id { get; set; } = "";
    public int Open { get; set; }
    /// <summary>Open cases whose customer is angry or out of control.</summary>
    public int Hostile { get; set; }
}
