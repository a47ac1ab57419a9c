using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Complaints.ServiceDefaults;

/// <summary>
/// Hot-cold relay: every relay replica runs this; the one holding the relay lock (<see cref="RelayFence"/>)
/// leads: it runs Marten's async daemon, and with it the event relay, and its sealer and checkpoint
/// signer run (<see cref="WhileLeadingAsync"/>). The others stand by, trying the lock every
/// <see cref="RelayOptions.StandbyPoll"/>: when the leader dies its session and lock go, and a standby
/// takes over within that poll and resumes from the relay's recorded position. Events the dead
/// leader published but had not yet recorded are published again; consumers are idempotent.
/// </summary>
public sealed class RelayLeader(RelayFence fence, IDocumentStore store, IOptions<RelayOptions> options, ILogger<RelayLeader> logger) : BackgroundService
{
    private TaskCompletionSource<CancellationToken> term = NewTerm();

    /// <summary>True while this replica leads.</summary>
    public bool Leading { get; private set; }

    /// <summary>How many times this replica took the lead (a test or an operator sees a takeover).</summary>
    public int Terms { get; private set; }

    /// <summary>
    /// The last time the relay stopped on an event it could not read or publish (an event type this
    /// release does not know, say), with the sequence it stopped after and why; null while it never did.
    /// It does not skip the event: it waits for a release that reads it (docs/operations.md).
    /// </summary>
    public RelayStop? LastStop { get; private set; }

    private static readonly System.Diagnostics.Metrics.Counter<long> Stops = RelayMonitor.Meter.CreateCounter<long>(
        "complaints.relay.stops", "{stop}", "Times the relay stopped on an event it could not read or publish instead of skipping it");

    private static TaskCompletionSource<CancellationToken> NewTerm() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Runs <paramref name="work"/> whenever this replica leads, with a token cancelled when it stops
    /// leading or the host stops; returns when the host stops. For the relay replica's other single-instance work.
    /// </summary>
    public async Task WhileLeadingAsync(Func<CancellationToken, Task> work, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            CancellationToken leading;
            try
            {
                leading = await Volatile.Read(ref term).Task.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            using var both = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, leading);
            try
            {
                await work(both.Token);
            }
            catch (OperationCanceledException) when (both.IsCancellationRequested)
            {
                // The term ended (or the host is stopping): wait for the next one.
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = options.Value.StandbyPoll;
        var standingBy = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await fence.TryTakeAsync(stoppingToken))
                {
                    standingBy = false;
                    await LeadAsync(stoppingToken);
                    continue;
                }
                if (!standingBy) logger.LogInformation("Another relay replica leads; this one stands by and takes over when it goes");
                standingBy = true;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "The relay could not take or keep the lead (the database may be away); trying again");
            }
            try
            {
                await Task.Delay(poll, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task LeadAsync(CancellationToken stoppingToken)
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var daemon = await store.BuildProjectionDaemonAsync();
        using var stops = daemon.Tracker.Subscribe(new StopObserver(this));
        try
        {
            await daemon.StartAllAsync();
            Leading = true;
            Terms++;
            Volatile.Read(ref term).TrySetResult(ended.Token);
            logger.LogInformation("This relay replica leads: it publishes committed events, seals and signs");
            while (await fence.StillHeldAsync(stoppingToken)) await Task.Delay(options.Value.LeaseCheck, stoppingToken);
            logger.LogWarning("This relay replica lost the relay lock: it stops publishing and stands by");
        }
        finally
        {
            Leading = false;
            Volatile.Write(ref term, NewTerm());
            await ended.CancelAsync();
            await daemon.StopAllAsync();
            daemon.Dispose();
            await fence.ReleaseAsync();
        }
    }

    private void Stopped(ShardState state)
    {
        LastStop = new RelayStop(state.Sequence, state.Exception!.GetType().Name, state.Exception.Message);
        Stops.Add(1);
        // The failure's type only: a serializer's message may quote the event it could not read.
        logger.LogError("The relay stopped after event {Sequence} ({Failure}); it publishes nothing past it until a release reads it",
            state.Sequence, LastStop.Failure);
    }

    /// <summary>Watches the daemon for the relay's subscription stopping on a failure.</summary>
    private sealed class StopObserver(RelayLeader leader) : IObserver<ShardState>
    {
        public void OnNext(ShardState state)
        {
            if (state.Exception is not null && state.ShardName.StartsWith(ComplaintEventRelay.SubscriptionName, StringComparison.Ordinal))
                leader.Stopped(state);
        }

        public void OnCompleted() { }
        public void OnError(Exception error) { }
    }
}

/// <summary>Where and why the relay stopped: the last sequence it passed, the failure's type and message.</summary>
public sealed record RelayStop(long AfterSequence, string Failure, string Reason);
