using Complaints.Contracts.Events;
using Complaints.ServiceDefaults;
using Marten;
using Marten.Events;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Complaints.Resolution.Queue;

/// <summary>
/// Keeps case files in step with routing's decisions and the workflow. A case file is a fold of the
/// event types it follows: the relay's <see cref="ComplaintsChanged"/> notices say which complaints
/// changed, and each whose page holds a followed type is folded from the store, from the stream
/// version its file has folded up to. Notices come in batches (<see cref="TakeChangeNotices"/>), so many complaints cost one load, one
/// read of their new events and one transaction; a redelivered or late notice finds its file folded
/// already. Each field still keeps the stream version it came from, so applying an event twice (a
/// file written before it recorded <see cref="CaseFile.FoldedVersion"/>) changes nothing.
/// </summary>
public sealed class RefreshChangedCaseFiles(IDocumentStore store, IOptions<ResolutionOptions> options)
{
    /// <summary>How an event of one type changes a case file.</summary>
    private sealed record Change(Type EventType, Action<CaseFile, object, long> Apply);

    private static Change On<T>(Action<CaseFile, T, long> apply) where T : class, IComplaintEvent =>
        new(typeof(T), (file, data, version) => apply(file, (T)data, version));

    private static readonly Dictionary<Type, Change> Changes = new Change[]
    {
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
    }.ToDictionary(c => c.EventType);

    /// <summary>The event types a case file follows: a notice naming none of them for a complaint leaves its file alone.</summary>
    private static readonly Type[] FollowedTypes = [.. Changes.Keys];
    private static readonly HashSet<string> FollowedNames = [.. FollowedTypes.Select(t => t.Name)];

    public async Task TakeAsync(Batch<ComplaintsChanged> notices, CancellationToken cancellationToken)
    {
        var wanted = notices.LatestVersions(change => change.EventTypes.Any(FollowedNames.Contains));
        foreach (var chunk in wanted.Chunk(ComplaintNotices.PerTransaction))
            await RefreshAsync(chunk, cancellationToken);
    }

    /// <summary>
    /// Folds the followed events each file has not folded yet, read in one query, and writes the
    /// files in one transaction: an existing file at the version loaded (optimistic concurrency: the
    /// missed-update sweeper writes files too, and another instance may fold the same notice), a new
    /// one inserted, failing if another instance started it first. Either way the batch is retried.
    /// </summary>
    private async Task RefreshAsync(KeyValuePair<Guid, long>[] chunk, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var files = (await session.LoadManyAsync<CaseFile>(cancellationToken, chunk.Select(w => w.Key))).ToDictionary(f => f.Id);
        var stale = chunk.Where(w => !(files.TryGetValue(w.Key, out var file) && file.FoldedVersion >= w.Value)).Select(w => w.Key).ToArray();
        if (stale.Length == 0) return;
        // From the lowest version any of them has folded: most are new files (0) or one page behind.
        var from = stale.Min(id => files.TryGetValue(id, out var file) ? file.FoldedVersion : 0);
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamId.IsOneOf(stale) && e.Version > from && e.EventTypesAre(FollowedTypes))
            .ToListAsync(cancellationToken);
        var announced = chunk.ToDictionary(w => w.Key, w => w.Value);
        foreach (var stream in events.GroupBy(e => e.StreamId))
        {
            var isNew = !files.TryGetValue(stream.Key, out var file);
            file ??= new CaseFile { Id = stream.Key, TracksApprovals = true };
            var folded = file.FoldedVersion;
            foreach (var e in stream.Where(e => e.Version > folded).OrderBy(e => e.Version))
                Changes[e.EventType].Apply(file, e.Data, e.Version);
            // Every followed event up to the notice's version, and up to the last one read, is in now
            // (a stream's versions become visible in order).
            file.FoldedVersion = Math.Max(announced[stream.Key], stream.Max(e => e.Version));
            file.Recompute(options.Value.ProgressUpdateInterval);
            if (isNew) session.Insert(file);
            else session.Store(file);
        }
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
