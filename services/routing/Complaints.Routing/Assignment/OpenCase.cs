namespace Complaints.Routing.Assignment;

/// <summary>
/// Routing's durable view of an open complaint: who has it, at which tier, and its SLA deadlines.
/// The SLA sweeper reads it to find breaches (it survives restarts); agents' queues read it too.
/// </summary>
public sealed class OpenCase
{
    /// <summary>The complaint id.</summary>
    public Guid Id { get; set; }
    public string ComplaintNumber { get; set; } = "";
    public string Team { get; set; } = "";
    public string AssigneeId { get; set; } = "";
    /// <summary>The agent whose workload counts this case, while it is at the agent tier.</summary>
    public string? LoadedAgentId { get; set; }
    public string Tier { get; set; } = Tiers.Agent;
    public string Priority { get; set; } = "";
    public string Category { get; set; } = "";
    public string Emotion { get; set; } = "";
    public bool Hostile { get; set; }
    /// <summary>Triage was unsure: the agent and the supervisor see it in their queues until someone corrects or confirms it.</summary>
    public bool NeedsReview { get; set; }
    /// <summary>A harassing or nonsense contact: not hostile, not in the figures.</summary>
    public bool Nuisance { get; set; }
    public DateTimeOffset AssignedAt { get; set; }
    public DateTimeOffset FirstResponseDue { get; set; }
    public DateTimeOffset ResolutionDue { get; set; }
    /// <summary>The first response reached the customer: that clock stopped.</summary>
    public bool FirstResponded { get; set; }
    public bool FirstResponseBreached { get; set; }
    /// <summary>Rejected remedies already escalated, so a redelivered rejection escalates nothing.</summary>
    public List<Guid> HandledRejections { get; set; } = [];
    /// <summary>Department tasks handed back undone, so a redelivered hand-back counts once.</summary>
    public List<Guid> HandedBackTasks { get; set; } = [];
    public bool ResolutionBreached { get; set; }
    /// <summary>False once resolved (it leaves every queue and clock); a reopen opens it again.</summary>
    public bool Open { get; set; } = true;
    /// <summary>
    /// Stream version of the event that last opened or closed the case (assignment, resolution,
    /// reopening). News from an older version (a redelivery, or a message overtaken by a later one)
    /// changes nothing, so the case never closes after its reopening or escalates after its resolution.
    /// </summary>
    public long OpenStateVersion { get; set; }
    public DateTimeOffset? LastReopenedAt { get; set; }
    /// <summary>Promises agents made to the customer, and departments' tasks, whose time has not been checked yet.</summary>
    public List<PendingCommitment> Commitments { get; set; } = [];
    /// <summary>Regulators' deadlines that apply to the case (Complaints:Sla:RegulatoryClocks).</summary>
    public List<RegulatoryDeadline> RegulatoryClocks { get; set; } = [];

    /// <summary>The regulatory deadline due first and not yet breached.</summary>
    public RegulatoryDeadline? DueRegulatoryClock => Open ? RegulatoryClocks.Where(c => !c.Breached).MinBy(c => c.DueBy) : null;

    /// <summary>The earliest deadline not yet breached; null when none is pending.</summary>
    public DateTimeOffset? NextDeadline { get; set; }

    /// <summary>The promise due first, when it falls due before the SLA deadlines.</summary>
    public PendingCommitment? CommitmentDueFirst(DateTimeOffset? slaDeadline) =>
        Commitments.OrderBy(c => c.DueBy).FirstOrDefault() is { } first && (slaDeadline is null || first.DueBy <= slaDeadline) ? first : null;

    public bool AwaitsFirstResponse => !FirstResponded && !FirstResponseBreached;

    private DateTimeOffset? SlaDeadline => AwaitsFirstResponse ? FirstResponseDue : !ResolutionBreached ? ResolutionDue : null;

    public void RecomputeNextDeadline()
    {
        var own = !Open ? null : CommitmentDueFirst(SlaDeadline)?.DueBy ?? SlaDeadline;
        var regulatory = DueRegulatoryClock?.DueBy;
        NextDeadline = own is null ? regulatory : regulatory is { } r && r < own ? r : own;
    }

    /// <summary>What falls due at <see cref="NextDeadline"/>: a promise, or the SLA deadline.</summary>
    public PendingCommitment? DueCommitment => Open ? CommitmentDueFirst(SlaDeadline) : null;
}

/// <summary>A regulator's deadline on a case: when it falls, from when it shows a warning, and whether it was missed.</summary>
public sealed record RegulatoryDeadline(string Name, string Rule, DateTimeOffset DueBy, DateTimeOffset WarnFrom)
{
    public bool Breached { get; set; }
    /// <summary>Extended once already (<see cref="Contracts.Events.RegulatoryClockExtended"/>); its rule allows no second time.</summary>
    public bool Extended { get; set; }
}

/// <summary>
/// A time the case is held to besides the SLA deadlines: a promise an agent made the customer
/// (<see cref="Commitment"/>), or another department's answer to a task (<see cref="DepartmentTask"/>).
/// </summary>
public sealed record PendingCommitment(Guid Id, string Promise, DateTimeOffset DueBy)
{
    public const string Commitment = Complaints.Domain.ServiceLevels.Deadline.CommitmentWire;
    public const string DepartmentTask = Complaints.Domain.ServiceLevels.Deadline.DepartmentTaskWire;

    public string Kind { get; init; } = Commitment;
}
