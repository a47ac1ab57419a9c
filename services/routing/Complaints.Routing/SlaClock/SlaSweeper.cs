using Complaints.Contracts.Events;
using Complaints.Routing.Assignment;
using Complaints.ServiceDefaults;
using Marten;
using Microsoft.Extensions.Options;

namespace Complaints.Routing.SlaClock;

public sealed class SlaSweeperOptions
{
    public const string Section = "Complaints:Routing:SlaSweeper";
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);
    public int BatchSize { get; set; } = 200;
}

/// <summary>
/// Finds complaints whose next SLA deadline has passed, appends <see cref="SlaBreached"/> and
/// escalates one tier (agent, supervisor, manager, crisis) with the reason. Deadlines live in
/// PostgreSQL (<see cref="OpenCase"/>), so a restart loses none; time comes from
/// <see cref="TimeProvider"/>, so tests drive it with a fake clock. Several routing instances may
/// sweep at once: each escalation appends at the stream's expected version, so only one wins.
/// </summary>
public sealed class SlaSweeper(
    IDocumentStore store,
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
                // A reaction landing meanwhile (a notice, a consumer's append) makes the append conflict:
                // decided again on the fresh stream, so one sweep is enough to act on a due case.
                if (await ConcurrencyConflicts.RetryAsync(() => BreachAsync(candidate.Id, now, cancellationToken))) escalated++;
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
        await using var session = store.LightweightSession();
        var openCase = await session.LoadAsync<OpenCase>(complaintId, cancellationToken);
        if (openCase?.NextDeadline is not { } dueAt || dueAt > now) return false;
        var history = await session.Events.FetchStreamAsync(complaintId, token: cancellationToken);
        if (history.Count == 0) throw new InvalidOperationException($"Open case {complaintId} has no stream");

        if (openCase.DueRegulatoryClock is { } clock && clock.DueBy <= now)
            return await BreachRegulatoryClockAsync(session, openCase, clock, history, now, cancellationToken);
        if (openCase.DueCommitment is { } promise && promise.DueBy <= now)
            return await CheckCommitmentAsync(session, openCase, promise, history, now, cancellationToken);

        var deadline = openCase.AwaitsFirstResponse ? "first_response" : "resolution";
        if ((openCase.AwaitsFirstResponse ? openCase.FirstResponseDue : openCase.ResolutionDue) > now) return false;
        // The open case follows the stream a little behind: a first response or a resolution already
        // committed but not yet consumed must not be recorded as a breach for ever.
        if (AlreadyMet(history.Select(e => e.Data), deadline))
        {
            logger.LogDebug("Complaint {ComplaintId}: the {Deadline} deadline was met; routing has not caught up yet", complaintId, deadline);
            return false;
        }
        var events = new List<object> { new SlaBreached(complaintId, deadline, dueAt, openCase.Tier, now) };
        var reason = $"{deadline.Replace('_', ' ')} deadline {dueAt:yyyy-MM-dd HH:mm} UTC passed at {openCase.Tier} tier";
        if (await Escalation.OneTierUpAsync(session, openCase, teams, reason, now, cancellationToken) is { } escalated)
            events.Add(escalated);

        if (deadline == "first_response") openCase.FirstResponseBreached = true;
        else openCase.ResolutionBreached = true;
        openCase.RecomputeNextDeadline();
        session.Store(openCase);
        session.StampActor("routing.sla-sweeper", "system");
        session.Events.Append(complaintId, history[^1].Version + events.Count, events.ToArray());
        await session.SaveChangesAsync(cancellationToken);
        logger.LogWarning("Complaint {ComplaintNumber}: {Deadline} deadline breached; now at {Tier} ({Assignee})",
            openCase.ComplaintNumber, deadline, openCase.Tier, openCase.AssigneeId);
        return true;
    }

    /// <summary>
    /// A regulator's deadline passed with the case still open: recorded as a breach of that clock
    /// (KPIs report compliance per clock) and escalated like any missed deadline.
    /// </summary>
    private async Task<bool> BreachRegulatoryClockAsync(
        IDocumentSession session, OpenCase openCase, RegulatoryDeadline clock, IReadOnlyList<JasperFx.Events.IEvent> history, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // The open case follows the stream a little behind: a complaint resolved in time but not yet
        // consumed must not get a permanent regulatory breach.
        if (AlreadyMet(history.Select(e => e.Data), "resolution"))
        {
            logger.LogDebug("Complaint {ComplaintId}: resolved before the regulatory deadline {Clock}; routing has not caught up yet", openCase.Id, clock.Name);
            return false;
        }
        var events = new List<object> { new SlaBreached(openCase.Id, "regulatory:" + clock.Name, clock.DueBy, openCase.Tier, now) };
        var reason = $"the regulatory deadline {clock.Name} ({clock.Rule}), {clock.DueBy:yyyy-MM-dd HH:mm} UTC, passed";
        if (await Escalation.OneTierUpAsync(session, openCase, teams, reason, now, cancellationToken) is { } escalated)
            events.Add(escalated);
        clock.Breached = true;
        openCase.RecomputeNextDeadline();
        session.Store(openCase);
        session.StampActor("routing.sla-sweeper", "system");
        session.Events.Append(openCase.Id, history[^1].Version + events.Count, events.ToArray());
        await session.SaveChangesAsync(cancellationToken);
        logger.LogWarning("Complaint {ComplaintNumber}: regulatory deadline {Clock} breached; now at {Tier}", openCase.ComplaintNumber, clock.Name, openCase.Tier);
        return true;
    }

    /// <summary>
    /// A promise's time came: kept when news reached the customer in time (the complaint's fold says),
    /// otherwise recorded as a broken commitment and escalated like any missed deadline.
    /// </summary>
    private async Task<bool> CheckCommitmentAsync(
        IDocumentSession session, OpenCase openCase, PendingCommitment promise, IReadOnlyList<JasperFx.Events.IEvent> history, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var life = Contracts.Stream.ComplaintLife.Fold(openCase.Id, history.Select(e => (e.Version, e.Data)));
        openCase.Commitments.RemoveAll(c => c.Id == promise.Id);
        var settled = life is null || life.ResolvedAt is not null || life.ClosedAt is not null;
        var kept = settled || promise.Kind switch
        {
            PendingCommitment.DepartmentTask => life!.DepartmentTasks.GetValueOrDefault(promise.Id) is not { Open: true },
            _ => life!.Commitments.FirstOrDefault(c => c.Id == promise.Id) is not { KeptAt: null, Broken: false },
        };
        var events = new List<object>();
        if (!kept)
        {
            events.Add(new SlaBreached(openCase.Id, promise.Kind, promise.DueBy, openCase.Tier, now));
            var reason = promise.Kind == PendingCommitment.DepartmentTask
                ? $"{promise.Promise}, due {promise.DueBy:yyyy-MM-dd HH:mm} UTC, did not come"
                : $"promise \"{promise.Promise}\" to the customer, due {promise.DueBy:yyyy-MM-dd HH:mm} UTC, was not kept";
            if (await Escalation.OneTierUpAsync(session, openCase, teams, reason, now, cancellationToken) is { } escalated)
                events.Add(escalated);
        }
        openCase.RecomputeNextDeadline();
        session.Store(openCase);
        if (events.Count > 0)
        {
            session.StampActor("routing.sla-sweeper", "system");
            session.Events.Append(openCase.Id, history[^1].Version + events.Count, events.ToArray());
        }
        await session.SaveChangesAsync(cancellationToken);
        if (!kept)
            logger.LogWarning("Complaint {ComplaintNumber}: a promise to the customer was broken; now at {Tier} ({Assignee})",
                openCase.ComplaintNumber, openCase.Tier, openCase.AssigneeId);
        return !kept;
    }

    private static bool AlreadyMet(IEnumerable<object> events, string deadline)
    {
        var responded = false;
        var resolved = false;
        foreach (var @event in events)
        {
            switch (@event)
            {
                case FirstResponseSent: responded = true; break;
                case ComplaintResolved: resolved = true; break;
                case ComplaintReopened: resolved = false; break;
            }
        }
        return deadline == "first_response" ? responded || resolved : resolved;
    }
}
