using Complaints.Contracts.Events;
using Complaints.Routing.Assignment;
using Complaints.ServiceDefaults;
using Complaints.Domain.ServiceLevels;
using Complaints.ServiceDefaults.ComplaintStreams;
using Marten;
using MassTransit;

namespace Complaints.Routing.CaseProgress;

/// <summary>
/// Keeps the SLA clock in step with the agents' work: the first response stops the
/// first-response clock, a resolution closes the case and frees the agent, and a remedy the
/// customer rejects escalates the complaint one tier. Each is idempotent under redelivery and
/// guarded by stream version (<see cref="OpenCase.OpenStateVersion"/>), so messages arriving out of
/// order or twice change nothing they should not.
/// </summary>
public sealed class FollowCaseProgress(
    IDocumentSession session, ComplaintWriter writer, TeamDirectory teams, SlaPolicy sla, ILogger<FollowCaseProgress> logger) :
    IConsumer<FirstResponseSent>, IConsumer<ComplaintResolved>, IConsumer<RemedyRejected>, IConsumer<ComplaintReopened>, IConsumer<CommitmentMade>, IConsumer<ProgressUpdateMissed>,
    IConsumer<DepartmentTaskOpened>, IConsumer<DepartmentTaskAnswered>, IConsumer<DepartmentTaskHandedBack>
{
    /// <summary>A promise to the customer joins the case's clocks; the sweeper checks it when it falls due.</summary>
    public async Task Consume(ConsumeContext<CommitmentMade> context)
    {
        var made = context.Message;
        if (await OpenCaseAsync(made.ComplaintId, context.CancellationToken) is not { } openCase
            || openCase.Commitments.Any(c => c.Id == made.CommitmentId)) return;
        openCase.Commitments.Add(new PendingCommitment(made.CommitmentId, made.Promise, made.DueBy));
        openCase.RecomputeNextDeadline();
        session.Store(openCase);
        await session.SaveChangesAsync(context.CancellationToken);
    }

    /// <summary>A department's answer joins the case's clocks: the sweeper escalates it when overdue.</summary>
    public async Task Consume(ConsumeContext<DepartmentTaskOpened> context)
    {
        var opened = context.Message;
        if (await OpenCaseAsync(opened.ComplaintId, context.CancellationToken) is not { } openCase
            || openCase.Commitments.Any(c => c.Id == opened.TaskId)) return;
        openCase.Commitments.Add(new PendingCommitment(opened.TaskId, $"the {opened.Department} department's answer ({opened.Contact})", opened.DueBy)
        {
            Kind = PendingCommitment.DepartmentTask,
        });
        openCase.RecomputeNextDeadline();
        session.Store(openCase);
        await session.SaveChangesAsync(context.CancellationToken);
    }

    public Task Consume(ConsumeContext<DepartmentTaskAnswered> context) => TaskSettledAsync(context.Message.ComplaintId, context.Message.TaskId, context.CancellationToken);

    /// <summary>
    /// A department handed work back: its clock stops, and the second hand-back on a complaint sends
    /// it to the team's supervisor (the brief: no bouncing between departments).
    /// </summary>
    public async Task Consume(ConsumeContext<DepartmentTaskHandedBack> context)
    {
        var handedBack = context.Message;
        var cancellationToken = context.CancellationToken;
        if (await OpenCaseAsync(handedBack.ComplaintId, cancellationToken) is not { Open: true } openCase
            || openCase.HandedBackTasks.Contains(handedBack.TaskId)) return;
        void Record(OpenCase c)
        {
            c.HandedBackTasks.Add(handedBack.TaskId);
            c.Commitments.RemoveAll(t => t.Id == handedBack.TaskId);
            c.RecomputeNextDeadline();
        }
        if (openCase.HandedBackTasks.Count == 1 && openCase.Tier == Tiers.Agent)
        {
            // Recorded whatever the case looks like by then; escalated only if this is still the second hand-back at the agent tier.
            await EscalateAsync(context, handedBack.ComplaintId, c => c.Open && !c.HandedBackTasks.Contains(handedBack.TaskId), Record,
                c => c is { Tier: Tiers.Agent, HandedBackTasks.Count: 2 }, $"handed back by departments twice; the last: {handedBack.Reason}");
            return;
        }
        Record(openCase);
        session.Store(openCase);
        await session.SaveChangesAsync(cancellationToken);
    }

    private async Task TaskSettledAsync(Guid complaintId, Guid taskId, CancellationToken cancellationToken)
    {
        if (await OpenCaseAsync(complaintId, cancellationToken) is not { } openCase || openCase.Commitments.RemoveAll(c => c.Id == taskId) == 0) return;
        openCase.RecomputeNextDeadline();
        session.Store(openCase);
        await session.SaveChangesAsync(cancellationToken);
    }

    public async Task Consume(ConsumeContext<FirstResponseSent> context)
    {
        if (await OpenCaseAsync(context.Message.ComplaintId, context.CancellationToken) is not { FirstResponded: false } openCase) return;
        openCase.FirstResponded = true;
        openCase.RecomputeNextDeadline();
        session.Store(openCase);
        await session.SaveChangesAsync(context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<ComplaintResolved> context)
    {
        var version = context.StreamVersion();
        if (await OpenCaseAsync(context.Message.ComplaintId, context.CancellationToken) is not { Open: true } openCase
            || version <= openCase.OpenStateVersion) return;
        if (openCase.LoadedAgentId is { } agentId && await session.LoadAsync<AgentWorkload>(agentId, context.CancellationToken) is { } load)
        {
            CaseAssignment.Release(openCase, new Dictionary<string, AgentWorkload> { [agentId] = load });
            session.Store(load);
        }
        openCase.LoadedAgentId = null;
        openCase.Open = false;
        openCase.OpenStateVersion = version;
        openCase.RecomputeNextDeadline();
        session.Store(openCase);
        await session.SaveChangesAsync(context.CancellationToken);
    }

    /// <summary>
    /// The customer went a whole update interval without news: the case goes to the team's supervisor
    /// (once; a case already above the agent tier is on a supervisor's or manager's desk already).
    /// </summary>
    public async Task Consume(ConsumeContext<ProgressUpdateMissed> context)
    {
        var missed = context.Message;
        var version = context.StreamVersion();
        if (await OpenCaseAsync(missed.ComplaintId, context.CancellationToken) is not { Open: true, Tier: Tiers.Agent } openCase
            || version <= openCase.OpenStateVersion) return;
        await EscalateAsync(context, missed.ComplaintId, c => c is { Open: true, Tier: Tiers.Agent } && version > c.OpenStateVersion, _ => { }, _ => true,
            $"no news for the customer since {missed.LastUpdateAt:yyyy-MM-dd HH:mm} UTC; an update was due by {missed.DueAt:yyyy-MM-dd HH:mm} UTC");
    }

    public async Task Consume(ConsumeContext<RemedyRejected> context)
    {
        var rejected = context.Message;
        var version = context.StreamVersion();
        // A rejection overtaken by the resolution (or a reopening) escalates nothing.
        bool Pending(OpenCase c) => c.Open && !c.HandledRejections.Contains(rejected.RemedyId) && version > c.OpenStateVersion;
        if (await OpenCaseAsync(rejected.ComplaintId, context.CancellationToken) is not { } openCase || !Pending(openCase)) return;
        await EscalateAsync(context, rejected.ComplaintId, Pending, c => c.HandledRejections.Add(rejected.RemedyId), _ => true,
            $"the customer rejected remedy {rejected.RemedyId}; prefers: {rejected.PreferredRemedy}");
    }

    /// <summary>
    /// Moves the case one tier up for <paramref name="reason"/> through the one writer, caused by the
    /// message being consumed: routing's view is read again in the writer's session, and when it
    /// <paramref name="still"/> calls for it, <paramref name="record"/> notes what happened on it and
    /// the escalation is appended with the case and the released agent's load.
    /// </summary>
    private async Task EscalateAsync(ConsumeContext context, Guid complaintId, Func<OpenCase, bool> still, Action<OpenCase> record, Func<OpenCase, bool> escalates, string reason)
    {
        var recorded = false;
        var (written, _) = await writer.ExecuteOnCaseAsync(complaintId, Actor.System("routing.escalation"),
            (_, read, loads, now) => (recorded = still(read)) ? Escalate(read, record, escalates, teams, loads, reason, now) : [],
            context, context.CancellationToken, storeWithoutEvents: () => recorded);
        // The reason stays on the stream only: it may quote the customer (a preferred remedy).
        if (written.Events.OfType<ComplaintEscalated>().FirstOrDefault() is { } escalated)
            logger.LogInformation("Complaint {ComplaintId} escalated to {Tier}", complaintId, escalated.ToTier);
    }

    /// <summary>
    /// What happened recorded on routing's view of the case, and one tier up when <paramref name="escalates"/>
    /// says so (nothing at the top of the ladder); the writer stores the view even without an event.
    /// </summary>
    public static IReadOnlyList<object> Escalate(OpenCase openCase, Action<OpenCase> record, Func<OpenCase, bool> escalates, TeamDirectory teams,
        IDictionary<string, AgentWorkload> loads, string reason, DateTimeOffset now)
    {
        record(openCase);
        var escalated = escalates(openCase) ? Escalation.OneTierUp(openCase, teams, loads, reason, now) : null;
        openCase.RecomputeNextDeadline();
        return escalated is null ? [] : [escalated];
    }

    /// <summary>
    /// Dissatisfied after follow-up: the case opens again with a dedicated owner one tier up and a
    /// fresh resolution deadline at high priority (the brief: personalised handling until settled).
    /// </summary>
    public async Task Consume(ConsumeContext<ComplaintReopened> context)
    {
        var reopened = context.Message;
        var version = context.StreamVersion();
        if (await OpenCaseAsync(reopened.ComplaintId, context.CancellationToken) is not { } current || version <= current.OpenStateVersion) return;

        var (_, openCase) = await writer.ExecuteOnCaseAsync(reopened.ComplaintId, Actor.System("routing.escalation"),
            (_, read, loads, now) => version > read.OpenStateVersion ? Reopen(read, reopened, version, teams, sla, loads, now) : [], context, context.CancellationToken);
        logger.LogInformation("Complaint {ComplaintId} reopened; owner {Assignee} at {Tier}", reopened.ComplaintId, openCase?.AssigneeId, openCase?.Tier);
    }

    /// <summary>
    /// Open again from this reopening's version, with a fresh resolution deadline at high priority
    /// and a dedicated owner one tier up; the new date is a fact on the complaint (not only routing's
    /// view), and resolution tells the customer.
    /// </summary>
    public static IReadOnlyList<object> Reopen(OpenCase openCase, ComplaintReopened reopened, long version, TeamDirectory teams, SlaPolicy sla,
        IDictionary<string, AgentWorkload> loads, DateTimeOffset now)
    {
        openCase.Open = true;
        openCase.OpenStateVersion = version;
        openCase.LastReopenedAt = reopened.ReopenedAt;
        openCase.FirstResponded = true;
        var promisedBefore = openCase.ResolutionDue;
        openCase.ResolutionDue = sla.For(Priorities.High, complex: false, now).ResolutionDue;
        openCase.ResolutionBreached = false;
        var escalated = Escalation.OneTierUp(openCase, teams, loads, "reopened after follow-up: " + reopened.Reason + "; dedicated owner", now);
        openCase.RecomputeNextDeadline();
        var changed = new ResolutionDueChanged(reopened.ComplaintId, promisedBefore, openCase.ResolutionDue, "reopened after follow-up", now);
        return escalated is null ? [changed] : [escalated, changed];
    }

    private Task<OpenCase?> OpenCaseAsync(Guid complaintId, CancellationToken cancellationToken) =>
        session.LoadAsync<OpenCase>(complaintId, cancellationToken);
}
