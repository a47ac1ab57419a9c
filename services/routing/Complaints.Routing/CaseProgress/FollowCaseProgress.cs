using Complaints.Contracts.Events;
using Complaints.Routing.Assignment;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.ServiceLevels;
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
    IDocumentSession session, TeamDirectory teams, SlaPolicy sla, TimeProvider clock, ILogger<FollowCaseProgress> logger) :
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
        openCase.HandedBackTasks.Add(handedBack.TaskId);
        openCase.Commitments.RemoveAll(c => c.Id == handedBack.TaskId);
        openCase.RecomputeNextDeadline();
        if (openCase.HandedBackTasks.Count == 2 && openCase.Tier == Tiers.Agent)
        {
            await EscalateAsync(context, openCase, $"handed back by departments twice; the last: {handedBack.Reason}", cancellationToken);
        }
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
        await Escalation.ReleaseAgentLoadAsync(session, openCase, context.CancellationToken);
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
        var cancellationToken = context.CancellationToken;
        if (await OpenCaseAsync(missed.ComplaintId, cancellationToken) is not { Open: true, Tier: Tiers.Agent } openCase
            || context.StreamVersion() <= openCase.OpenStateVersion) return;

        await EscalateAsync(context, openCase,
            $"no news for the customer since {missed.LastUpdateAt:yyyy-MM-dd HH:mm} UTC; an update was due by {missed.DueAt:yyyy-MM-dd HH:mm} UTC", cancellationToken);
        session.Store(openCase);
        await session.SaveChangesAsync(cancellationToken);
    }

    public async Task Consume(ConsumeContext<RemedyRejected> context)
    {
        var rejected = context.Message;
        var cancellationToken = context.CancellationToken;
        // A rejection overtaken by the resolution (or a reopening) escalates nothing.
        if (await OpenCaseAsync(rejected.ComplaintId, cancellationToken) is not { Open: true } openCase
            || openCase.HandledRejections.Contains(rejected.RemedyId)
            || context.StreamVersion() <= openCase.OpenStateVersion) return;

        openCase.HandledRejections.Add(rejected.RemedyId);
        await EscalateAsync(context, openCase, $"the customer rejected remedy {rejected.RemedyId}; prefers: {rejected.PreferredRemedy}", cancellationToken);
        session.Store(openCase);
        await session.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Moves the case one tier up for <paramref name="reason"/> and appends the escalation, caused by the message being consumed.</summary>
    private async Task EscalateAsync(ConsumeContext context, OpenCase openCase, string reason, CancellationToken cancellationToken)
    {
        var stream = await session.Events.FetchStreamStateAsync(openCase.Id, cancellationToken)
                     ?? throw new InvalidOperationException($"Complaint {openCase.Id} has no stream");
        if (await Escalation.OneTierUpAsync(session, openCase, teams, reason, clock.GetUtcNow(), cancellationToken) is not { } escalated) return;
        session.StampReaction(context);
        session.StampActor("routing.escalation", "system");
        session.Events.Append(openCase.Id, stream.Version + 1, escalated);
        // The reason stays on the stream only: it may quote the customer (a preferred remedy).
        logger.LogInformation("Complaint {ComplaintId} escalated to {Tier}", openCase.Id, escalated.ToTier);
    }

    /// <summary>
    /// Dissatisfied after follow-up: the case opens again with a dedicated owner one tier up and a
    /// fresh resolution deadline at high priority (the brief: personalised handling until settled).
    /// </summary>
    public async Task Consume(ConsumeContext<ComplaintReopened> context)
    {
        var reopened = context.Message;
        var cancellationToken = context.CancellationToken;
        var version = context.StreamVersion();
        if (await OpenCaseAsync(reopened.ComplaintId, cancellationToken) is not { } openCase
            || version <= openCase.OpenStateVersion) return;

        var stream = await session.Events.FetchStreamStateAsync(reopened.ComplaintId, cancellationToken)
                     ?? throw new InvalidOperationException($"Complaint {reopened.ComplaintId} has no stream");
        var now = clock.GetUtcNow();
        openCase.Open = true;
        openCase.OpenStateVersion = version;
        openCase.LastReopenedAt = reopened.ReopenedAt;
        openCase.FirstResponded = true;
        var promisedBefore = openCase.ResolutionDue;
        openCase.ResolutionDue = sla.For(Priorities.High, complex: false, now).ResolutionDue;
        openCase.ResolutionBreached = false;
        var escalated = await Escalation.OneTierUpAsync(session, openCase, teams, "reopened after follow-up: " + reopened.Reason + "; dedicated owner", now, cancellationToken);
        openCase.RecomputeNextDeadline();
        // The new date is a fact on the complaint (not only routing's view), and resolution tells the customer.
        var reactions = new List<object> { new ResolutionDueChanged(reopened.ComplaintId, promisedBefore, openCase.ResolutionDue, "reopened after follow-up", now) };
        if (escalated is not null) reactions.Insert(0, escalated);
        session.StampReaction(context);
        session.StampActor("routing.escalation", "system");
        session.Events.Append(reopened.ComplaintId, stream.Version + reactions.Count, reactions.ToArray());
        session.Store(openCase);
        await session.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Complaint {ComplaintId} reopened; owner {Assignee} at {Tier}", reopened.ComplaintId, openCase.AssigneeId, openCase.Tier);
    }

    private Task<OpenCase?> OpenCaseAsync(Guid complaintId, CancellationToken cancellationToken) =>
        session.LoadAsync<OpenCase>(complaintId, cancellationToken);
}
