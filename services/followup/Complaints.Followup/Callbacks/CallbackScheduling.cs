using Complaints.Contracts.Events;
using Complaints.ServiceDefaults;
using Marten;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Complaints.Followup.Callbacks;

/// <summary>A resolved complaint gets a call-back a configured time later; idempotent per resolution.</summary>
public sealed class ScheduleCallback(IDocumentSession session, TimeProvider clock, IOptions<FollowupOptions> options) : IConsumer<ComplaintResolved>
{
    public async Task Consume(ConsumeContext<ComplaintResolved> context)
    {
        var resolved = context.Message;
        var existing = await session.LoadAsync<CallbackClock>(resolved.ComplaintId, context.CancellationToken);
        if (existing is not null && existing.ResolvedAt >= resolved.ResolvedAt) return;

        var stream = await session.Events.FetchStreamStateAsync(resolved.ComplaintId, context.CancellationToken)
                     ?? throw new InvalidOperationException($"Complaint {resolved.ComplaintId} has no stream");
        var dueAt = resolved.ResolvedAt + options.Value.CallbackAfter;
        session.StampReaction(context);
        session.StampActor("followup.callback-scheduling", "system");
        session.Events.Append(resolved.ComplaintId, stream.Version + 1, new CallbackScheduled(resolved.ComplaintId, dueAt, clock.GetUtcNow()));
        var callback = new CallbackClock { Id = resolved.ComplaintId, ResolvedAt = resolved.ResolvedAt, DueAt = dueAt };
        // Insert, or update the version loaded above: a concurrent scheduler fails and retries, never overwrites.
        if (existing is null) session.Insert(callback);
        else
        {
            existing.ResolvedAt = callback.ResolvedAt;
            existing.DueAt = callback.DueAt;
            existing.Fired = false;
            session.Update(existing);
        }
        await session.SaveChangesAsync(context.CancellationToken);
    }
}

/// <summary>Fires due call-backs as <see cref="CallbackDue"/> events, on <see cref="TimeProvider"/>.</summary>
public sealed class CallbackSweeper(IDocumentStore store, TimeProvider clock, IOptions<FollowupOptions> options, ILogger<CallbackSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Zero turns the background sweep off: something else (an operator job, a test) calls SweepOnceAsync.
        if (options.Value.SweepInterval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try { await SweepOnceAsync(stoppingToken); }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested) { logger.LogError(ex, "Call-back sweep failed; the next sweep retries"); }
        }
    }

    /// <summary>
    /// Fires every due call-back; returns how many fired. <paramref name="only"/> limits the sweep to
    /// those complaints (an operator re-checking a few cases; each test its own). A case that fails
    /// is logged and the sweep goes on with the others.
    /// </summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken, IReadOnlyCollection<Guid>? only = null)
    {
        var now = clock.GetUtcNow();
        IReadOnlyList<CallbackClock> due;
        await using (var query = store.QuerySession())
        {
            var candidates = query.Query<CallbackClock>().Where(c => !c.Fired && c.DueAt <= now);
            if (only is not null) candidates = candidates.Where(c => c.Id.IsOneOf(only.ToArray()));
            due = await candidates.OrderBy(c => c.DueAt).Take(200).ToListAsync(cancellationToken);
        }

        var fired = 0;
        foreach (var callback in due)
        {
            try
            {
                // A change landing meanwhile makes the append conflict: decided again on fresh data.
                if (await ConcurrencyConflicts.RetryAsync(() => FireAsync(callback.Id, now, cancellationToken))) fired++;
            }
            catch (Exception ex) when (ConcurrencyConflicts.Is(ex))
            {
                logger.LogWarning("Complaint {ComplaintId}: the call-back kept changing while swept; the next sweep looks again", callback.Id);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // One broken case must not stop every other customer's call-back.
                logger.LogError(ex, "Complaint {ComplaintId}: the call-back could not be fired; the other cases go on", callback.Id);
            }
        }
        return fired;
    }

    private async Task<bool> FireAsync(Guid complaintId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        // Loaded again in this session: a replica that fired it meanwhile is seen here, or makes this save fail.
        var fresh = await session.LoadAsync<CallbackClock>(complaintId, cancellationToken);
        if (fresh is null || fresh.Fired || fresh.DueAt > now) return false;
        var stream = await session.Events.FetchStreamStateAsync(complaintId, cancellationToken);
        if (stream is null) return false;
        session.StampActor("followup.callback-sweeper", "system");
        session.Events.Append(complaintId, stream.Version + 1, new CallbackDue(complaintId, fresh.DueAt, now));
        fresh.Fired = true;
        session.Update(fresh);
        await session.SaveChangesAsync(cancellationToken);
        return true;
    }
}
