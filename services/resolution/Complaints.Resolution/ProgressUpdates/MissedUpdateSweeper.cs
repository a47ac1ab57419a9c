using Complaints.ServiceDefaults;
using Complaints.Contracts.Events;
using Complaints.Resolution.Queue;
using Complaints.Domain.ComplaintStream;
using Complaints.ServiceDefaults.ComplaintStreams;
using Marten;
using Microsoft.Extensions.Options;

namespace Complaints.Resolution.ProgressUpdates;

/// <summary>
/// Flags complex open cases whose customer has had no news for a whole update interval (the
/// brief: a long case gets an update every day), once per missed interval. Time comes from
/// <see cref="TimeProvider"/>; the clocks live in PostgreSQL and survive restarts.
/// </summary>
public sealed class MissedUpdateSweeper(IDocumentStore store, ComplaintWriter writer, TimeProvider clock, IOptions<ResolutionOptions> options, ILogger<MissedUpdateSweeper> logger)
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
                // The writer decides again on the fresh stream when someone else changed the case meanwhile.
                if (await FlagAsync(file.Id, now, cancellationToken)) flagged++;
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
        CaseFile? file = null;
        var written = await writer.ExecuteAsync(complaintId, Actor.System("resolution.missed-update-sweeper"),
            async (_, session, token) => file = await session.LoadAsync<CaseFile>(complaintId, token),
            (life, caseFile, _) => Decide(life, caseFile, options.Value.ProgressUpdateInterval, now),
            new WriteOptions
            {
                AlsoStore = (session, _, events) =>
                {
                    // One flag per missed interval: the next one falls due an interval later.
                    var missed = events.OfType<ProgressUpdateMissed>().Single();
                    file!.UpdateClockStart = missed.DueAt;
                    file.UpdateMissedAt ??= missed.DueAt;
                    file.Recompute(options.Value.ProgressUpdateInterval);
                    session.Store(file);
                },
            }, cancellationToken);
        if (written.Events.Count == 0)
            logger.LogDebug("Complaint {ComplaintId}: not due, or news reached the customer in time and the case file has not caught up yet", complaintId);
        return written.Events.Count > 0;
    }

    /// <summary>
    /// Whether the customer of this case missed an update that fell due by <paramref name="now"/>. The
    /// case file says when it fell due; it follows the stream a little behind, so an update sent or a
    /// resolution committed but not yet consumed must not be recorded as a missed update for ever:
    /// the stream decides.
    /// </summary>
    public static IReadOnlyList<object> Decide(ComplaintLife life, CaseFile? file, TimeSpan interval, DateTimeOffset now)
    {
        if (file?.NextUpdateDue is not { } dueAt || dueAt > now || file.Resolved) return [];
        if (life.ResolvedAt is not null) return [];
        var lastNews = Later(life.FirstResponseAt, life.LastProgressUpdateAt);
        if (lastNews is { } sent && sent + interval > now) return [];
        return [new ProgressUpdateMissed(life.Id, file.LastCustomerUpdateAt ?? file.AssignedAt ?? dueAt, dueAt, now)];
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is { } x && (b is null || x > b) ? x : b;
}
