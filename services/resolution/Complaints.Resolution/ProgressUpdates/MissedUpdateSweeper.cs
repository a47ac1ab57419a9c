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

    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        IReadOnlyList<CaseFile> due;
        await using (var query = store.QuerySession())
            due = await query.Query<CaseFile>().Where(f => f.NextUpdateDue != null && f.NextUpdateDue <= now && !f.Resolved).Take(200).ToListAsync(cancellationToken);

        var flagged = 0;
        foreach (var file in due)
        {
            try
            {
                await using var session = store.LightweightSession();
                var fresh = await session.LoadAsync<CaseFile>(file.Id, cancellationToken);
                if (fresh?.NextUpdateDue is not { } dueAt || dueAt > now || fresh.Resolved) continue;
                var stream = await session.Events.FetchStreamStateAsync(file.Id, cancellationToken);
                if (stream is null) continue;
                session.StampActor("resolution.missed-update-sweeper", "system");
                session.Events.Append(file.Id, stream.Version + 1,
                    new ProgressUpdateMissed(file.Id, fresh.LastCustomerUpdateAt ?? fresh.AssignedAt ?? dueAt, dueAt, now));
                // One flag per missed interval: the next one falls due an interval later.
                fresh.UpdateClockStart = dueAt;
                fresh.UpdateMissedAt ??= dueAt;
                fresh.Recompute(options.Value.ProgressUpdateInterval);
                session.Store(fresh);
                await session.SaveChangesAsync(cancellationToken);
                flagged++;
            }
            catch (Exception ex) when (ConcurrencyConflicts.Is(ex))
            {
                // Someone else changed the case; the next sweep looks again.
            }
        }
        return flagged;
    }
}
