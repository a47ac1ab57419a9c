using Complaints.Contracts.Events;
using Complaints.ServiceDefaults;
using Complaints.Domain.ComplaintStream;
using Complaints.ServiceDefaults.ComplaintStreams;
using Marten;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Complaints.Followup.Callbacks;

/// <summary>A resolved complaint gets a call-back a configured time later; idempotent per resolution.</summary>
public sealed class ScheduleCallback(ComplaintWriter writer, IOptions<FollowupOptions> options) : IConsumer<ComplaintResolved>
{
    public async Task Consume(ConsumeContext<ComplaintResolved> context)
    {
        var resolved = context.Message;
        CallbackClock? existing = null;
        await writer.ExecuteAsync(resolved.ComplaintId, Actor.System("followup.callback-scheduling"),
            async (_, session, token) => existing = await session.LoadAsync<CallbackClock>(resolved.ComplaintId, token),
            (life, clock, now) => CallbackDecision.Schedule(life, clock, resolved, options.Value.CallbackAfter, now),
            new WriteOptions
            {
                ReactingTo = context,
                AlsoStore = (session, _, events) =>
                {
                    var scheduled = events.OfType<CallbackScheduled>().Single();
                    // Insert, or update the version loaded: a concurrent scheduler fails and retries, never overwrites.
                    if (existing is null) session.Insert(new CallbackClock { Id = resolved.ComplaintId, ResolvedAt = resolved.ResolvedAt, DueAt = scheduled.DueAt });
                    else
                    {
                        existing.ResolvedAt = resolved.ResolvedAt;
                        existing.DueAt = scheduled.DueAt;
                        existing.Fired = false;
                        session.Update(existing);
                    }
                },
            }, context.CancellationToken);
    }
}

/// <summary>When a resolved complaint's call-back is due, and when it fires.</summary>
public static class CallbackDecision
{
    /// <summary>A call-back a configured time after the resolution; idempotent per resolution.</summary>
    public static IReadOnlyList<object> Schedule(ComplaintLife life, CallbackClock? clock, ComplaintResolved resolved, TimeSpan after, DateTimeOffset now) =>
        clock is not null && clock.ResolvedAt >= resolved.ResolvedAt ? [] : [new CallbackScheduled(life.Id, resolved.ResolvedAt + after, now)];

    /// <summary>The call-back falls due once, when its time has come and nobody fired it yet.</summary>
    public static IReadOnlyList<object> Fire(ComplaintLife life, CallbackClock? clock, DateTimeOffset now) =>
        clock is null || clock.Fired || clock.DueAt > now ? [] : [new CallbackDue(life.Id, clock.DueAt, now)];
}

/// <summary>Fires due call-backs as <see cref="CallbackDue"/> events, on <see cref="TimeProvider"/>.</summary>
public sealed class CallbackSweeper(IDocumentStore store, ComplaintWriter writer, TimeProvider clock, IOptions<FollowupOptions> options, ILogger<CallbackSweeper> logger) : BackgroundService
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
                // The writer decides again on fresh data when a change landed meanwhile.
                if (await FireAsync(callback.Id, now, cancellationToken)) fired++;
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
        // Loaded again in the writer's session: a replica that fired it meanwhile is seen here, or makes this save fail.
        CallbackClock? fresh = null;
        var written = await writer.ExecuteAsync(complaintId, Actor.System("followup.callback-sweeper"),
            async (_, session, token) => fresh = await session.LoadAsync<CallbackClock>(complaintId, token),
            (life, clock, _) => CallbackDecision.Fire(life, clock, now),
            new WriteOptions
            {
                AlsoStore = (session, _, _) =>
                {
                    fresh!.Fired = true;
                    session.Update(fresh);
                },
            }, cancellationToken);
        return written.Events.Count > 0;
    }
}
