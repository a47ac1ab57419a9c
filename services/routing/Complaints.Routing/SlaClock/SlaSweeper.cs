using Complaints.Contracts.Events;
using Complaints.Routing.Assignment;
using Complaints.ServiceDefaults;
using Complaints.Domain.ComplaintStream;
using Complaints.Domain.ServiceLevels;
using Complaints.ServiceDefaults.ComplaintStreams;
using Marten;
using Microsoft.Extensions.Options;

namespace Complaints.Routing.SlaClock;

/// <summary>
/// Finds complaints whose next SLA deadline has passed, appends <see cref="SlaBreached"/> and
/// escalates one tier (agent, supervisor, manager, crisis) with the reason. Deadlines live in
/// PostgreSQL (<see cref="OpenCase"/>), so a restart loses none; time comes from
/// <see cref="TimeProvider"/>, so tests drive it with a fake clock. Several routing instances may
/// sweep at once: each escalation appends at the stream's expected version, so only one wins.
/// </summary>
public sealed class SlaSweeper(
    IDocumentStore store,
    ComplaintWriter writer,
    TeamDirectory teams,
    TimeProvider clock,
    IOptions<SlaSweeperOptions> options,
    ILogger<SlaSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Zero turns the background sweep off: something else (an operator job, a test) calls SweepOnceAsync.
        if (options.Value.Interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(options.Value.Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "SLA sweep failed; the next sweep retries");
            }
        }
    }

    /// <summary>
    /// Escalates every case whose deadline passed; returns how many were escalated. A case that
    /// fails is logged (and handed to <paramref name="failures"/>) and the sweep goes on.
    /// <paramref name="only"/> limits the sweep to those complaints (an operator re-checking a few
    /// cases; each test its own, so that one test's sweep never acts on another's cases).
    /// </summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken, Action<Guid, Exception>? failures = null, IReadOnlyCollection<Guid>? only = null)
    {
        var now = clock.GetUtcNow();
        IReadOnlyList<OpenCase> due;
        await using (var query = store.QuerySession())
        {
            var candidates = query.Query<OpenCase>().Where(c => c.NextDeadline != null && c.NextDeadline <= now);
            if (only is not null) candidates = candidates.Where(c => c.Id.IsOneOf(only.ToArray()));
            due = await candidates
                .OrderBy(c => c.NextDeadline)
                .Take(options.Value.BatchSize)
                .ToListAsync(cancellationToken);
        }

        var escalated = 0;
        foreach (var candidate in due)
        {
            try
            {
                // A reaction landing meanwhile (a notice, a consumer's append) makes the append conflict: the
                // writer decides again on the fresh stream, so one sweep is enough to act on a due case.
                if (await BreachAsync(candidate.Id, now, cancellationToken)) escalated++;
            }
            catch (Exception ex) when (ConcurrencyConflicts.Is(ex))
            {
                logger.LogWarning("Complaint {ComplaintId} kept changing while swept; the next sweep sees it afresh", candidate.Id);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // One broken case (a team renamed away, a stream missing) must not stop every other case's clock.
                logger.LogError(ex, "Complaint {ComplaintId} could not be swept; the other cases go on", candidate.Id);
                failures?.Invoke(candidate.Id, ex);
            }
        }
        return escalated;
    }

    private async Task<bool> BreachAsync(Guid complaintId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Swept? swept = null;
        var (written, openCase) = await writer.ExecuteOnCaseAsync(complaintId, Actor.System("routing.sla-sweeper"),
            (life, read, loads, _) => (swept = Decide(life, read, teams, loads, now)).Events, null, cancellationToken,
            storeWithoutEvents: () => swept?.CaseChanged == true);
        if (written.Events.OfType<SlaBreached>().FirstOrDefault() is not { } breached) return false;
        logger.LogWarning("Complaint {ComplaintNumber}: {Deadline} deadline breached; now at {Tier} ({Assignee})",
            openCase!.ComplaintNumber, breached.Deadline, openCase.Tier, openCase.AssigneeId);
        return true;
    }

    /// <summary>What a sweep of one case decided: the events, and whether routing's view of the case changed without them.</summary>
    public sealed record Swept(IReadOnlyList<object> Events, bool CaseChanged);

    /// <summary>
    /// The deadline due first on the case, checked against the stream: a regulator's clock, a
    /// promise (or a department's answer), or the SLA's first-response or resolution deadline. A
    /// deadline missed is recorded (<see cref="SlaBreached"/>) and escalated one tier; routing's view
    /// of the case and the released agent's load change in memory for the writer to store. The open
    /// case follows the stream a little behind, so a deadline the stream shows met (a first response
    /// or a resolution committed but not yet consumed) is never recorded as a breach.
    /// </summary>
    public static Swept Decide(ComplaintLife life, OpenCase openCase, TeamDirectory teams, IDictionary<string, AgentWorkload> loads, DateTimeOffset now)
    {
        if (openCase.NextDeadline is not { } dueAt || dueAt > now) return new Swept([], false);
        var responded = life.FirstResponseAt is not null || life.ResolvedAt is not null;
        var resolved = life.ResolvedAt is not null;

        if (openCase.DueRegulatoryClock is { } clock && clock.DueBy <= now)
        {
            if (resolved) return new Swept([], false);
            clock.Breached = true;
            return new Swept(Breach(openCase, Deadline.RegulatoryClock(clock.Name).Wire, clock.DueBy,
                $"the regulatory deadline {clock.Name} ({clock.Rule}), {clock.DueBy:yyyy-MM-dd HH:mm} UTC, passed", teams, loads, now), true);
        }
        if (openCase.DueCommitment is { } promise && promise.DueBy <= now)
        {
            openCase.Commitments.RemoveAll(c => c.Id == promise.Id);
            var kept = life.ResolvedAt is not null || life.ClosedAt is not null || promise.Kind switch
            {
                PendingCommitment.DepartmentTask => life.DepartmentTasks.GetValueOrDefault(promise.Id) is not { Open: true },
                _ => life.Commitments.FirstOrDefault(c => c.Id == promise.Id) is not { KeptAt: null, Broken: false },
            };
            if (kept)
            {
                openCase.RecomputeNextDeadline();
                return new Swept([], true);
            }
            return new Swept(Breach(openCase, promise.Kind, promise.DueBy, promise.Kind == PendingCommitment.DepartmentTask
                ? $"{promise.Promise}, due {promise.DueBy:yyyy-MM-dd HH:mm} UTC, did not come"
                : $"promise \"{promise.Promise}\" to the customer, due {promise.DueBy:yyyy-MM-dd HH:mm} UTC, was not kept", teams, loads, now), true);
        }

        var firstResponse = openCase.AwaitsFirstResponse;
        if ((firstResponse ? openCase.FirstResponseDue : openCase.ResolutionDue) > now) return new Swept([], false);
        if (firstResponse ? responded : resolved) return new Swept([], false);
        var deadline = (firstResponse ? Deadline.FirstResponse : Deadline.Resolution).Wire;
        if (firstResponse) openCase.FirstResponseBreached = true;
        else openCase.ResolutionBreached = true;
        return new Swept(Breach(openCase, deadline, dueAt, $"{deadline.Replace('_', ' ')} deadline {dueAt:yyyy-MM-dd HH:mm} UTC passed at {openCase.Tier} tier",
            teams, loads, now), true);
    }

    private static IReadOnlyList<object> Breach(OpenCase openCase, string deadline, DateTimeOffset dueAt, string reason, TeamDirectory teams,
        IDictionary<string, AgentWorkload> loads, DateTimeOffset now)
    {
        var events = new List<object> { new SlaBreached(openCase.Id, deadline, dueAt, openCase.Tier, now) };
        if (Escalation.OneTierUp(openCase, teams, loads, reason, now) is { } escalated) events.Add(escalated);
        openCase.RecomputeNextDeadline();
        return events;
    }
}
