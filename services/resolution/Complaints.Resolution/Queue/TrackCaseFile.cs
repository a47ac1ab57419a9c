using Complaints.Contracts.Events;
using Complaints.ServiceDefaults;
using Marten;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Complaints.Resolution.Queue;

/// <summary>
/// Keeps case files in step with routing's decisions. Events may arrive in any order and more than
/// once: each field is set from its own event, and the assignee, the priority, the team and the
/// deadlines only from a newer stream version than the one they came from.
/// </summary>
public sealed class TrackCaseFile(IDocumentSession session, CaseFileWrites writes, IOptions<ResolutionOptions> options) :
    IConsumer<Batch<ComplaintTriaged>>, IConsumer<Batch<TriageCorrected>>, IConsumer<Batch<ComplaintAssigned>>, IConsumer<Batch<ResolutionDueChanged>>, IConsumer<Batch<ComplaintEscalated>>,
    IConsumer<Batch<FirstResponseSent>>, IConsumer<Batch<ProgressUpdateSent>>, IConsumer<Batch<ComplaintResolved>>, IConsumer<Batch<ComplaintReopened>>,
    IConsumer<Batch<RemedyProposed>>, IConsumer<Batch<RemedyApproved>>, IConsumer<Batch<RemedyRefused>>,
    IConsumer<Batch<DepartmentTaskOpened>>, IConsumer<Batch<DepartmentTaskAnswered>>, IConsumer<Batch<DepartmentTaskHandedBack>>
{
    public Task Consume(ConsumeContext<Batch<DepartmentTaskOpened>> batch) => UpdateAsync(batch, (file, context) =>
    {
        var opened = context.Message;
        if (!file.SettledDepartmentTasks.Contains(opened.TaskId) && file.DepartmentAnswers.All(a => a.TaskId != opened.TaskId))
            file.DepartmentAnswers.Add(new AwaitedDepartmentAnswer(opened.TaskId, opened.Department, opened.DueBy));
    });

    public Task Consume(ConsumeContext<Batch<DepartmentTaskAnswered>> batch) => UpdateAsync(batch, (file, context) => TaskSettled(file, context.Message.TaskId));

    public Task Consume(ConsumeContext<Batch<DepartmentTaskHandedBack>> batch) => UpdateAsync(batch, (file, context) => TaskSettled(file, context.Message.TaskId));

    private static void TaskSettled(CaseFile file, Guid taskId)
    {
        file.DepartmentAnswers.RemoveAll(a => a.TaskId == taskId);
        if (!file.SettledDepartmentTasks.Contains(taskId)) file.SettledDepartmentTasks.Add(taskId);
    }

    public Task Consume(ConsumeContext<Batch<RemedyProposed>> batch) => UpdateAsync(batch, (file, context) =>
    {
        var proposed = context.Message;
        if (proposed.RequiresApprovalFrom.Length > 0 && !file.DecidedRemedies.Contains(proposed.RemedyId) && !file.AwaitingApproval.Contains(proposed.RemedyId))
            file.AwaitingApproval.Add(proposed.RemedyId);
    });

    public Task Consume(ConsumeContext<Batch<RemedyApproved>> batch) => UpdateAsync(batch, (file, context) => Decided(file, context.Message.RemedyId));

    public Task Consume(ConsumeContext<Batch<RemedyRefused>> batch) => UpdateAsync(batch, (file, context) => Decided(file, context.Message.RemedyId));

    private static void Decided(CaseFile file, Guid remedyId)
    {
        file.AwaitingApproval.Remove(remedyId);
        if (!file.DecidedRemedies.Contains(remedyId)) file.DecidedRemedies.Add(remedyId);
    }

    public Task Consume(ConsumeContext<Batch<ComplaintTriaged>> batch) => UpdateAsync(batch, (file, context) =>
    {
        if (StreamVersion(context) <= file.TriageVersion) return;
        file.Priority = context.Message.Priority;
        file.Complex = context.Message.Complex;
        file.TriageVersion = StreamVersion(context);
    });

    /// <summary>A person corrected triage: the queue follows the corrected priority (the team, if it changed, comes with the new assignment).</summary>
    public Task Consume(ConsumeContext<Batch<TriageCorrected>> batch) => UpdateAsync(batch, (file, context) =>
    {
        if (StreamVersion(context) <= file.TriageVersion) return;
        if (context.Message.Changes.LastOrDefault(c => c.Aspect == TriageAspects.Priority) is { } priority)
            file.Priority = priority.To;
        file.TriageVersion = StreamVersion(context);
    });

    public Task Consume(ConsumeContext<Batch<ComplaintAssigned>> batch) => UpdateAsync(batch, (file, context) =>
    {
        var assigned = context.Message;
        file.AssignedAt ??= assigned.AssignedAt;
        file.UpdateClockStart ??= assigned.AssignedAt;
        if (StreamVersion(context) > file.DeadlinesVersion)
        {
            file.Team = assigned.Team;
            file.FirstResponseDue = assigned.FirstResponseDue;
            file.ResolutionDue = assigned.ResolutionDue;
            file.DeadlinesVersion = StreamVersion(context);
        }
        if (StreamVersion(context) > file.AssigneeVersion)
        {
            file.AssigneeId = assigned.AgentId;
            file.Tier = assigned.Tier;
            file.AssigneeVersion = StreamVersion(context);
        }
    });

    /// <summary>A new resolution date (a reopening, a complex case's extension): the case file's deadline follows.</summary>
    public Task Consume(ConsumeContext<Batch<ResolutionDueChanged>> batch) => UpdateAsync(batch, (file, context) =>
    {
        if (StreamVersion(context) <= file.DeadlinesVersion) return;
        file.ResolutionDue = context.Message.NewDue;
        file.DeadlinesVersion = StreamVersion(context);
    });

    public Task Consume(ConsumeContext<Batch<ComplaintEscalated>> batch) => UpdateAsync(batch, (file, context) =>
    {
        if (StreamVersion(context) <= file.AssigneeVersion) return;
        file.AssigneeId = context.Message.AssigneeId;
        file.Tier = context.Message.ToTier;
        file.AssigneeVersion = StreamVersion(context);
    });

    public Task Consume(ConsumeContext<Batch<FirstResponseSent>> batch) => UpdateAsync(batch, (file, context) =>
    {
        file.FirstResponseSent = true;
        CustomerUpdated(file, context.Message.SentAt);
    });

    public Task Consume(ConsumeContext<Batch<ProgressUpdateSent>> batch) => UpdateAsync(batch, (file, context) => CustomerUpdated(file, context.Message.SentAt));

    public Task Consume(ConsumeContext<Batch<ComplaintResolved>> batch) => UpdateAsync(batch, (file, context) => SetResolved(file, true, StreamVersion(context)));

    public Task Consume(ConsumeContext<Batch<ComplaintReopened>> batch) => UpdateAsync(batch, (file, context) =>
    {
        if (SetResolved(file, false, StreamVersion(context))) file.UpdateClockStart = context.Message.ReopenedAt;
    });

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

    /// <summary>
    /// Applies a batch of one event type to its case files, in stream order, read in one query and
    /// written in one transaction. One batch at a time in this instance (<see cref="CaseFileWrites"/>):
    /// batches of different events of the same complaints (its triage and its assignment arrive
    /// together) would otherwise race on the same files; across instances the optimistic
    /// concurrency of <see cref="CaseFile"/> makes the loser retry on fresh files.
    /// </summary>
    private async Task UpdateAsync<T>(ConsumeContext<Batch<T>> batch, Action<CaseFile, ConsumeContext<T>> change) where T : class, IComplaintEvent
    {
        var cancellationToken = batch.CancellationToken;
        await writes.Gate.WaitAsync(cancellationToken);
        try
        {
            var ids = batch.Message.Select(m => m.Message.ComplaintId).Distinct().ToArray();
            var existing = (await session.LoadManyAsync<CaseFile>(cancellationToken, ids)).ToDictionary(f => f.Id);
            var started = new Dictionary<Guid, CaseFile>();
            foreach (var context in batch.Message.OrderBy(StreamVersion))
            {
                var id = context.Message.ComplaintId;
                if (!existing.TryGetValue(id, out var file) && !started.TryGetValue(id, out file))
                    started[id] = file = new CaseFile { Id = id, TracksApprovals = true };
                change(file, context);
                file.Recompute(options.Value.ProgressUpdateInterval);
            }
            // An existing file is updated at the version read; a new one is inserted, and fails if another instance started it first.
            foreach (var file in existing.Values) session.Store(file);
            foreach (var file in started.Values) session.Insert(file);
            await session.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            writes.Gate.Release();
        }
    }

    private static long StreamVersion(ConsumeContext context) => context.StreamVersion();
}
