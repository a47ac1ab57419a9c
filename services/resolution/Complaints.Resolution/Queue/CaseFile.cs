namespace Complaints.Resolution.Queue;

/// <summary>
/// Resolution's view of a case: whose queue it is in, how urgent it is, when the customer last
/// heard from us. Folded by <see cref="RefreshChangedCaseFiles"/> from the complaint's events (routing's
/// and the workflow's own), so commands never race with it; the missed-update sweeper only marks a
/// missed update on it (optimistic concurrency keeps the two apart).
/// </summary>
public sealed record AwaitedDepartmentAnswer(Guid TaskId, string Department, DateTimeOffset DueBy);

public sealed class CaseFile
{
    /// <summary>The complaint id.</summary>
    public Guid Id { get; set; }
    /// <summary>The stream version up to which the followed events are folded in; a notice at or below it needs nothing.</summary>
    public long FoldedVersion { get; set; }
    public string AssigneeId { get; set; } = "";
    /// <summary>The team that owns the case; supervisors see their own team's cases.</summary>
    public string Team { get; set; } = "";
    public string Tier { get; set; } = "";
    /// <summary>Stream version of the assignment or escalation the assignee comes from; older news is ignored.</summary>
    public long AssigneeVersion { get; set; }
    public string Priority { get; set; } = "";
    public bool Complex { get; set; }
    /// <summary>Stream version of the triage or correction the priority comes from; older news is ignored.</summary>
    public long TriageVersion { get; set; }
    /// <summary>Stream version of the assignment or new date the team and deadlines come from; older news is ignored.</summary>
    public long DeadlinesVersion { get; set; }
    public DateTimeOffset? AssignedAt { get; set; }
    public DateTimeOffset? FirstResponseDue { get; set; }
    public DateTimeOffset? ResolutionDue { get; set; }
    public bool FirstResponseSent { get; set; }
    public bool Resolved { get; set; }
    /// <summary>Stream version of the resolution or reopening <see cref="Resolved"/> comes from.</summary>
    public long ResolvedVersion { get; set; }
    public DateTimeOffset? LastCustomerUpdateAt { get; set; }
    /// <summary>Where the current update interval counts from: assignment, the last news, or the last missed interval.</summary>
    public DateTimeOffset? UpdateClockStart { get; set; }
    /// <summary>When an open case next needs news for the customer (every case still open after an interval, not only complex ones); null when resolved.</summary>
    public DateTimeOffset? NextUpdateDue { get; set; }

    /// <summary>
    /// Remedies proposed above the proposer's limit and not yet decided, as far as the events consumed
    /// so far tell: approvals are looked for only in these cases (the stream's fold decides).
    /// </summary>
    public List<Guid> AwaitingApproval { get; set; } = [];
    /// <summary>Remedies approved or refused: a proposal consumed after its decision is not awaiting any more.</summary>
    public List<Guid> DecidedRemedies { get; set; } = [];
    /// <summary>When a daily update was missed; cleared when the customer hears from us.</summary>
    public DateTimeOffset? UpdateMissedAt { get; set; }
    /// <summary>Answers awaited from other departments.</summary>
    public List<AwaitedDepartmentAnswer> DepartmentAnswers { get; set; } = [];
    /// <summary>Tasks answered or handed back: an opening consumed after its settlement awaits nothing.</summary>
    public List<Guid> SettledDepartmentTasks { get; set; } = [];
    /// <summary>False for a file started before approvals were tracked: its case is always looked at.</summary>
    public bool TracksApprovals { get; set; }

    public DateTimeOffset? NextDeadline => Resolved ? null : FirstResponseSent ? ResolutionDue : FirstResponseDue;

    public void Recompute(TimeSpan updateInterval) =>
        NextUpdateDue = !Resolved && UpdateClockStart is { } since ? since + updateInterval : null;

    /// <summary>The customer heard from us now.</summary>
    public void CustomerUpdated(DateTimeOffset at)
    {
        LastCustomerUpdateAt = at;
        UpdateClockStart = at;
        if (UpdateMissedAt <= at) UpdateMissedAt = null;
    }
}
