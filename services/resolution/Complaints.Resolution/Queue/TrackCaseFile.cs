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
public sealed class TrackCaseFile(IDocumentSession session, IOptions<ResolutionOptions> options) :
    IConsumer<ComplaintTriaged>, IConsumer<TriageCorrected>, IConsumer<ComplaintAssigned>, IConsumer<ResolutionDueChanged>, IConsumer<ComplaintEscalated>,
    IConsumer<FirstResponseSent>, IConsumer<ProgressUpdateSent>, IConsumer<ComplaintResolved>, IConsumer<ComplaintReopened>,
    IConsumer<RemedyProposed>, IConsumer<RemedyApproved>, IConsumer<RemedyRefused>,
    IConsumer<DepartmentTaskOpened>, IConsumer<DepartmentTaskAnswered>, IConsumer<DepartmentTaskHandedBack>
{
    public Task Consume(ConsumeContext<DepartmentTaskOpened> context) => UpdateAsync(context, file =>
    {
        var opened = context.Message;
        if (!file.SettledDepartmentTasks.Contains(opened.TaskId) && file.DepartmentAnswers.All(a => a.TaskId != opened.TaskId))
            file.DepartmentAnswers.Add(new AwaitedDepartmentAnswer(opened.TaskId, opened.Department, opened.DueBy));
    });

    public Task Consume(ConsumeContext<DepartmentTaskAnswered> context) => UpdateAsync(context, file => TaskSettled(file, context.Message.TaskId));

    public Task Consume(ConsumeContext<DepartmentTaskHandedBack> context) => UpdateAsync(context, file => TaskSettled(file, context.Message.TaskId));

    private static void TaskSettled(CaseFile file, Guid taskId)
    {
        file.DepartmentAnswers.RemoveAll(a => a.TaskId == taskId);
        if (!file.SettledDepartmentTasks.Contains(taskId)) file.SettledDepartmentTasks.Add(taskId);
    }

    public Task Consume(ConsumeContext<RemedyProposed> context) => UpdateAsync(context, file =>
    {
        var proposed = context.Message;
        if (proposed.RequiresApprovalFrom.Length > 0 && !file.DecidedRemedies.Contains(proposed.RemedyId) && !file.AwaitingApproval.Contains(proposed.RemedyId))
            file.AwaitingApproval.Add(proposed.RemedyId);
    });

    public Task Consume(ConsumeContext<RemedyApproved> context) => UpdateAsync(context, file => Decided(file, context.Message.RemedyId));

    public Task Consume(ConsumeContext<RemedyRefused> context) => UpdateAsync(context, file => Decided(file, context.Message.RemedyId));

    private static void Decided(CaseFile file, Guid remedyId)
    {
        file.AwaitingApproval.Remove(remedyId);
        if (!file.DecidedRemedies.Contains(remedyId)) file.DecidedRemedies.Add(remedyId);
    }

    public Task Consume(ConsumeContext<ComplaintTriaged> context) => UpdateAsync(context, file =>
    {
        if (StreamVersion(context) <= file.TriageVersion) return;
        file.Priority = context.Message.Priority;
        file.Complex = context.Message.Complex;
        file.TriageVersion = StreamVersion(context);
    });

    /// <summary>A person corrected triage: the queue follows the corrected priority (the team, if it changed, comes with the new assignment).</summary>
    public Task Consume(ConsumeContext<TriageCorrected> context) => UpdateAsync(context, file =>
    {
        if (StreamVersion(context) <= file.TriageVersion) return;
        if (context.Message.Changes.LastOrDefault(c => c.Aspect == TriageAspects.Priority) is { } priority)
            file.Priority = priority.To;
        file.TriageVersion = StreamVersion(context);
    });

    public Task Consume(ConsumeContext<ComplaintAssigned> context) => UpdateAsync(context, file =>
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
    public Task Consume(ConsumeContext<ResolutionDueChanged> context) => UpdateAsync(context, file =>
    {
        if (StreamVersion(context) <= file.DeadlinesVersion) return;
        file.ResolutionDue = context.Message.NewDue;
        file.DeadlinesVersion = StreamVersion(context);
    });

    public Task Consume(ConsumeContext<ComplaintEscalated> context) => UpdateAsync(context, file =>
    {
        if (StreamVersion(context) <= file.AssigneeVersion) return;
        file.AssigneeId = context.Message.AssigneeId;
        file.Tier = context.Message.ToTier;
        file.AssigneeVersion = StreamVersion(context);
    });

    public Task Consume(ConsumeContext<FirstResponseSent> context) => UpdateAsync(context, file =>
    {
        file.FirstResponseSent = true;
        CustomerUpdated(file, context.Message.SentAt);
    });

    public Task Consume(ConsumeContext<ProgressUpdateSent> context) => UpdateAsync(context, file => CustomerUpdated(file, context.Message.SentAt));

    public Task Consume(ConsumeContext<ComplaintResolved> context) => UpdateAsync(context, file => SetResolved(file, true, StreamVersion(context)));

    public Task Consume(ConsumeContext<ComplaintReopened> context) => UpdateAsync(context, file =>
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

    private async Task UpdateAsync<T>(ConsumeContext<T> context, Action<CaseFile> change) where T : class, IComplaintEvent
    {
        await CaseFile.UpdateAsync(session, context.Message.ComplaintId, options.Value.ProgressUpdateInterval, change, context.CancellationToken);
        await session.SaveChangesAsync(context.CancellationToken);
    }

    private static long StreamVersion(ConsumeContext context) => context.StreamVersion();
}
