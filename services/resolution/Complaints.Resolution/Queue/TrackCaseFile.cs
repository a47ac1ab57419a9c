using Complaints.Contracts.Events;
using Complaints.ServiceDefaults;
using Marten;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Complaints.Resolution.Queue;

/// <summary>
/// Keeps case files in step with routing's decisions and the workflow. Events may arrive in any
/// order and more than once: each field is set from its own event, and the assignee, the priority,
/// the team and the deadlines only from a newer stream version than the one they came from.
/// The events it follows come in one queue and in batches of all of them together (a complaint's
/// triage, assignment and date arrive together), so a batch reads and writes each case file once.
/// </summary>
public sealed class TrackCaseFile(IDocumentSession session, IOptions<ResolutionOptions> options) : IConsumer<Batch<IComplaintEvent>>, IFollowsComplaintEvents
{
    /// <summary>How an event of one type changes a case file, read from a message taken as any complaint event.</summary>
    private sealed record Change(Type EventType, Func<ConsumeContext, Action<CaseFile, long>?> Read);

    // Taken as IComplaintEvent, a message is deserialized as the interface alone: its concrete
    // type is read again from the envelope, which names it.
    private static Change On<T>(Action<CaseFile, T, long> apply) where T : class, IComplaintEvent =>
        new(typeof(T), context => context.TryGetMessage<T>(out var typed) ? (file, version) => apply(file, typed.Message, version) : null);

    private static readonly Change[] Changes =
    [
        On<ComplaintTriaged>(Triaged), On<TriageCorrected>(TriageCorrected), On<ComplaintAssigned>(Assigned),
        On<ResolutionDueChanged>(ResolutionDueChanged), On<ComplaintEscalated>(Escalated),
        On<FirstResponseSent>((file, sent, _) => { file.FirstResponseSent = true; CustomerUpdated(file, sent.SentAt); }),
        On<ProgressUpdateSent>((file, sent, _) => CustomerUpdated(file, sent.SentAt)),
        On<ComplaintResolved>((file, _, version) => SetResolved(file, true, version)),
        On<ComplaintReopened>((file, reopened, version) => { if (SetResolved(file, false, version)) file.UpdateClockStart = reopened.ReopenedAt; }),
        On<RemedyProposed>(RemedyProposed),
        On<RemedyApproved>((file, approved, _) => Decided(file, approved.RemedyId)),
        On<RemedyRefused>((file, refused, _) => Decided(file, refused.RemedyId)),
        On<DepartmentTaskOpened>(DepartmentTaskOpened),
        On<DepartmentTaskAnswered>((file, answered, _) => TaskSettled(file, answered.TaskId)),
        On<DepartmentTaskHandedBack>((file, handedBack, _) => TaskSettled(file, handedBack.TaskId)),
    ];

    /// <summary>The event types a case file follows; its queue is bound to these alone.</summary>
    public static IReadOnlyCollection<Type> Follows { get; } = [.. Changes.Select(c => c.EventType)];

    /// <summary>
    /// Applies a batch of events to their case files, each complaint's in stream order, read in one
    /// query and written in one transaction. The batch consumer takes one batch at a time; across
    /// instances the optimistic concurrency of <see cref="CaseFile"/> makes the loser retry on fresh files.
    /// </summary>
    public async Task Consume(ConsumeContext<Batch<IComplaintEvent>> batch)
    {
        var cancellationToken = batch.CancellationToken;
        var ids = batch.Message.Select(m => m.Message.ComplaintId).Distinct().ToArray();
        var existing = (await session.LoadManyAsync<CaseFile>(cancellationToken, ids)).ToDictionary(f => f.Id);
        var started = new Dictionary<Guid, CaseFile>();
        foreach (var context in batch.Message.OrderBy(m => m.StreamVersion()))
        {
            // The queue is bound to the followed types alone; anything else is a wiring mistake, for an operator (the batch fails).
            var change = Changes.FirstOrDefault(c => context.HasMessageType(c.EventType))?.Read(context)
                ?? throw new InvalidOperationException($"A case file does not follow {string.Join(", ", context.SupportedMessageTypes)}");
            var id = context.Message.ComplaintId;
            if (!existing.TryGetValue(id, out var file) && !started.TryGetValue(id, out file))
                started[id] = file = new CaseFile { Id = id, TracksApprovals = true };
            change(file, context.StreamVersion());
            file.Recompute(options.Value.ProgressUpdateInterval);
        }
        // An existing file is updated at the version read; a new one is inserted, and fails if another instance started it first.
        foreach (var file in existing.Values) session.Store(file);
        foreach (var file in started.Values) session.Insert(file);
        await session.SaveChangesAsync(cancellationToken);
    }

    private static void DepartmentTaskOpened(CaseFile file, DepartmentTaskOpened opened, long version)
    {
        if (!file.SettledDepartmentTasks.Contains(opened.TaskId) && file.DepartmentAnswers.All(a => a.TaskId != opened.TaskId))
            file.DepartmentAnswers.Add(new AwaitedDepartmentAnswer(opened.TaskId, opened.Department, opened.DueBy));
    }

    private static void TaskSettled(CaseFile file, Guid taskId)
    {
        file.DepartmentAnswers.RemoveAll(a => a.TaskId == taskId);
        if (!file.SettledDepartmentTasks.Contains(taskId)) file.SettledDepartmentTasks.Add(taskId);
    }

    private static void RemedyProposed(CaseFile file, RemedyProposed proposed, long version)
    {
        if (proposed.RequiresApprovalFrom.Length > 0 && !file.DecidedRemedies.Contains(proposed.RemedyId) && !file.AwaitingApproval.Contains(proposed.RemedyId))
            file.AwaitingApproval.Add(proposed.RemedyId);
    }

    private static void Decided(CaseFile file, Guid remedyId)
    {
        file.AwaitingApproval.Remove(remedyId);
        if (!file.DecidedRemedies.Contains(remedyId)) file.DecidedRemedies.Add(remedyId);
    }

    private static void Triaged(CaseFile file, ComplaintTriaged triaged, long version)
    {
        if (version <= file.TriageVersion) return;
        file.Priority = triaged.Priority;
        file.Complex = triaged.Complex;
        file.TriageVersion = version;
    }

    /// <summary>A person corrected triage: the queue follows the corrected priority (the team, if it changed, comes with the new assignment).</summary>
    private static void TriageCorrected(CaseFile file, TriageCorrected corrected, long version)
    {
        if (version <= file.TriageVersion) return;
        if (corrected.Changes.LastOrDefault(c => c.Aspect == TriageAspects.Priority) is { } priority)
            file.Priority = priority.To;
        file.TriageVersion = version;
    }

    private static void Assigned(CaseFile file, ComplaintAssigned assigned, long version)
    {
        file.AssignedAt ??= assigned.AssignedAt;
        file.UpdateClockStart ??= assigned.AssignedAt;
        if (version > file.DeadlinesVersion)
        {
            file.Team = assigned.Team;
            file.FirstResponseDue = assigned.FirstResponseDue;
            file.ResolutionDue = assigned.ResolutionDue;
            file.DeadlinesVersion = version;
        }
        if (version > file.AssigneeVersion)
        {
            file.AssigneeId = assigned.AgentId;
            file.Tier = assigned.Tier;
            file.AssigneeVersion = version;
        }
    }

    /// <summary>A new resolution date (a reopening, a complex case's extension): the case file's deadline follows.</summary>
    private static void ResolutionDueChanged(CaseFile file, ResolutionDueChanged changed, long version)
    {
        if (version <= file.DeadlinesVersion) return;
        file.ResolutionDue = changed.NewDue;
        file.DeadlinesVersion = version;
    }

    private static void Escalated(CaseFile file, ComplaintEscalated escalated, long version)
    {
        if (version <= file.AssigneeVersion) return;
        file.AssigneeId = escalated.AssigneeId;
        file.Tier = escalated.ToTier;
        file.AssigneeVersion = version;
    }

    private static void CustomerUpdated(CaseFile file, DateTimeOffset at)
    {
        if (file.LastCustomerUpdateAt is null || at > file.LastCustomerUpdateAt) file.CustomerUpdated(at);
    }

    /// <summary>Resolutions and reopenings may arrive out of order: the later one in the stream wins.</summary>
    private static bool SetResolved(CaseFile file, bool resolved, long version)
    {
        if (version <= file.ResolvedVersion) return false;
        file.Resolved = resolved;
        file.ResolvedVersion = version;
        return true;
    }
}
