namespace Complaints.Routing.Assignment;

/// <summary>An agent's open cases, kept with each assignment so the next one can pick the least loaded.</summary>
public sealed class AgentWorkload
{
    /// <summary>The agent id.</summary>
    public string Id { get; set; } = "";
    public int Open { get; set; }
    /// <summary>Open cases whose customer is angry or out of control.</summary>
    public int Hostile { get; set; }
    /// <summary>The shift <see cref="HostileThisShift"/> counts in.</summary>
    public DateTimeOffset? ShiftStartedAt { get; set; }
    /// <summary>Hostile cases given to the agent in that shift, closed or not: the stress the shift has put on them.</summary>
    public int HostileThisShift { get; set; }

    public int HostileInShift(DateTimeOffset shiftStart) => ShiftStartedAt == shiftStart ? HostileThisShift : 0;

    /// <summary>The agent takes a hostile case: it counts toward their open cap and their shift.</summary>
    public void TakeHostile(DateTimeOffset shiftStart)
    {
        if (ShiftStartedAt != shiftStart) (ShiftStartedAt, HostileThisShift) = (shiftStart, 0);
        HostileThisShift++;
        Hostile++;
    }
}
