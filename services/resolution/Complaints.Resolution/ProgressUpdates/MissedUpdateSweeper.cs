using Complaints.ServiceDefaults;
using Complaints.Contracts.Events;
using Complaints.Resolution.Queue;
using Marten;
using Microsoft.Extensions.Options;

namespace Complaints.Resolution.ProgressUpdates;

/// <summary>
/// Flags complex open cases whose customer has had no news for a whole update interval (the
/// brief: a long case gets an update every day), once per missed interval. Time comes from
/// <see cref="TimeProvider"/>; the clocks live in PostgreSQL and survive restarts.
/// </summary>
public sealed class MissedUpdateSweeper(IDocumentStore store, TimeProvider clock, IOptions<ResolutionOptions> options, ILogger<MissedUpdateSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Zero turns the background sweep off: something else (an operator job, a test) calls SweepOnceAsync.
        if (options.Value.SweepInterval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try { await SweepOnceAsync(stoppingToken); }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested) { logger.LogError(ex, "Missed-update sweep failed; the next sweep retries"); }
        }
    }

    /// <summary>
    /// Flags every case whose update fell due; returns how many were flagged. <paramref name="only"/>
    /// limits the sweep to those complaints (an operator re-checking a few cases; each test its own).
    /// A case that fails is logged and the sweep goes on with the others.
    /// </summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken, IReadOnlyCollection<Guid>? only = null)
    {
        var now = clock.GetUtcNow();
        IReadOnlyList<CaseFile> due;
        await using (var query = store.QuerySession())
        {
            var candidates = query.Query<CaseFile>().Where(f => f.NextUpdateDue != null && f.NextUpdateDue <= now && !f.Resolved);
            if (only is not null) candidates = candidates.Where(f => f.Id.IsOneOf(only.ToArray()));
            due = await candidates.OrderBy(f => f.NextUpdateDue).Take(200).ToListAsync(cancellationToken);
        }

        var flagged = 0;
        foreach (var file in due)
        {
            try
            {
                // Someone else changing the case meanwhile makes the append conflict: decided again on the fresh stream.
                if (await ConcurrencyConflicts.RetryAsync(() => FlagAsync(file.Id, now, cancellationToken))) flagged++;
            }
            catch (Exception ex) when (ConcurrencyConflicts.Is(ex))
            {
                logger.LogWarning("Complaint {ComplaintId} kept changing while swept for missed updates; the next sweep looks again", file.Id);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // One broken case must not stop every other customer's update clock.
                logger.LogError(ex, "Complaint {ComplaintId} could not be swept for missed updates; the other cases go on", file.Id);
            }
        }
        return flagged;
    }

    private async Task<bool> FlagAsync(Guid complaintId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var fresh = await session.LoadAsync<CaseFile>(complaintId, cancellationToken);
        if (fresh?.NextUpdateDue is not { } dueAt || dueAt > now || fresh.Resolved) return false;

        // The case file follows the stream a little behind: an update sent or a resolution committed
        // but not yet consumed must not be recorded as a missed update for ever. The stream decides.
        var history = await session.Events.FetchStreamAsync(complaintId, token: cancellationToken);
        if (history.Count == 0) return false;
        var (resolved, lastUpdate) = CustomerNews(history.Select(e => e.Data));
        if (resolved || lastUpdate is { } sent && sent + options.Value.ProgressUpdateInterval > now)
        {
            logger.LogDebug("Complaint {ComplaintId}: news reached the customer in time; the case file has not caught up yet", complaintId);
            return false;
        }

        session.StampActor("resolution.missed-update-sweeper", "system");
        session.Events.Append(complaintId, history[^1].Version + 1,
            new ProgressUpdateMissed(complaintId, fresh.LastCustomerUpdateAt ?? fresh.AssignedAt ?? dueAt, dueAt, now));
        // One flag per missed interval: the next one falls due an interval later.
        fresh.UpdateClockStart = dueAt;
        fresh.UpdateMissedAt ??= dueAt;
        fresh.Recompute(options.Value.ProgressUpdateInterval);
        session.Store(fresh);
        await session.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Whether the complaint stands resolved, and when the customer last heard from us, by the stream itself.</summary>
    private static (bool Resolved, DateTimeOffset? LastUpdate) CustomerNews(IEnumerable<object> events)
    {
        var resolved = false;
        DateTimeOffset? last = null;
        foreach (var @event in events)
        {
            switch (@event)
            {
                case FirstResponseSent sent: last = Later(last, sent.SentAt); break;
                case ProgressUpdateSent sent: last = Later(last, sent.SentAt); break;
                case ComplaintResolved: resolved = true; break;
                case ComplaintReopened: resolved = false; break;
            }
        }
        return (resolved, last);
    }

    private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;
}
